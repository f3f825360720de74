import type { CommandSpec } from '../types.js';

// Placeholder until its issue lands: declares the command so the table is complete.
export const renderReportSpec: CommandSpec = {
  name: 'render-report',
  summary: '(not yet available)',
  configure: (cmd) => cmd.allowUnknownOption().option('--json', 'machine-readable output'),
  load: async () => ({
    run: async () => {
      const { UsageError } = await import('../../errors.js');
      throw new UsageError('hunt render-report is not yet available in this version');
    },
  }),
};
