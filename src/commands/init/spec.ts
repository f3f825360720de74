import { LIMITS } from '../../config/limits.js';
import { addOptions, intOption, textOption } from '../flags.js';
import { defineCommand } from '../types.js';

/** `hunt init` options, as commander hands them to run(). */
export interface InitOptions {
  dir?: string;
  name: string;
  port: number;
  force?: boolean;
  json?: boolean;
}

/** `hunt init`: starter hunt.config.json + known-issues.json (flags only; the work lives in run.ts). */
export const initSpec = defineCommand<InitOptions>({
  name: 'init',
  summary: 'write a starter hunt.config.json and known-issues.json, and print the package.json scripts to add',
  configure: (cmd) =>
    addOptions(cmd, [
      textOption('--dir <dir>', 'directory to write into (default: the working directory)'),
      textOption('--name <name>', 'name of the target daemon (also its command in the starter commands)').default('my-daemon'),
      intOption('--port <n>', 'port the target listens on', LIMITS.port).default(8080),
    ])
      .option('--force', 'overwrite existing files')
      .option('--json', 'print one JSON object (files written, scripts) on stdout'),
  load: () => import('./run.js'),
});
