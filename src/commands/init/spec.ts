import type { CommandSpec } from '../types.js';

/** `hunt init`: starter hunt.config.json + known-issues.json (flags only; the work lives in run.ts). */
export const initSpec: CommandSpec = {
  name: 'init',
  summary: 'write a starter hunt.config.json and known-issues.json, and print the package.json scripts to add',
  configure: (cmd) =>
    cmd
      .option('--dir <dir>', 'directory to write into (default: the working directory)')
      .option('--name <name>', 'name of the target daemon (also its command in the starter commands)', 'my-daemon')
      .option('--port <n>', 'port the target listens on', '8080')
      .option('--force', 'overwrite existing files')
      .option('--json', 'print one JSON object (files written, scripts) on stdout'),
  load: () => import('./run.js'),
};
