import type { CommandSpec } from '../types.js';

// Placeholder until its issue lands: declares the command so the table is complete.
export const schemaSpec: CommandSpec = {
  name: 'schema',
  summary: '(not yet available)',
  configure: (cmd) => cmd.allowUnknownOption().option('--json', 'machine-readable output'),
  load: async () => ({
    run: async () => {
      const { UsageError } = await import('../../errors.js');
      throw new UsageError('hunt schema is not yet available in this version');
    },
  }),
};
