/**
 * The JSON Schema of hunt.config.json, generated from the zod schema (the authority) so editors can
 * complete profiles via "$schema". scripts/gen-schemas.mjs writes it to schemas/hunt-config.schema.json
 * at build time; a unit test keeps the committed file equal to this output.
 */
import * as z from 'zod';
import { configSchema } from './schema.js';

/** The config JSON Schema as an object (input shape: defaults are optional, as a user writes the file). */
export function configJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(configSchema, { io: 'input' }) as Record<string, unknown>;
  return {
    $schema,
    title: 'hunt.config.json',
    description: 'hunt target profile. Generated from src/config/schema.ts; do not edit by hand (npm run build regenerates it).',
    ...rest,
  };
}

/** The file text of schemas/hunt-config.schema.json. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
