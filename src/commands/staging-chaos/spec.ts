import type { CommandSpec } from '../types.js';

// Placeholder until its issue lands: declares the command so the table is complete.
export const stagingChaosSpec: CommandSpec = {
  name: 'staging-chaos',
  summary: '(not yet available)',
  configure: (cmd) => cmd.allowUnknownOption().option('--json', 'machine-readable output'),
  load: async () => ({
    run: async () => {
      const { UsageError } = await import('../../errors.js');
      throw new UsageError('hunt staging-chaos is not yet available in this version');
    },
  }),
};
