/**
 * Flag parsers shared by every command's spec.ts. Commander calls them while it parses argv, so a command's
 * run() receives values already typed and range-checked; ranges come from config/limits.ts (the same ones
 * the profile schema and the HUNT_* variables use). A bad value is a UsageError: exit 2 naming the flag.
 */
import { Option } from 'commander';
import { UsageError } from '../errors.js';
import { LIMITS, parseIntInRange, rangeMessage, type IntRange } from '../config/limits.js';

/** An option whose value is an integer inside `range`. */
export function intOption(flags: string, description: string, range: IntRange): Option {
  const opt = new Option(flags, description);
  return opt.argParser((value: string) => {
    const n = parseIntInRange(value, range);
    if (n === null) throw new UsageError(rangeMessage(opt.long ?? flags, range, value));
    return n;
  });
}

/** An option whose value must not be empty or blank (a path, a label, a command). */
export function textOption(flags: string, description: string): Option {
  const opt = new Option(flags, description);
  return opt.argParser((value: string) => {
    if (value.trim() === '') throw new UsageError(`${opt.long ?? flags}: expected a non-empty value`);
    return value;
  });
}

/** An option taking a comma-separated list (blank items dropped, duplicates removed, order kept). */
export function listOption(flags: string, description: string): Option {
  const opt = new Option(flags, description);
  return opt.argParser((value: string) => {
    const items = [
      ...new Set(
        value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ];
    if (!items.length) throw new UsageError(`${opt.long ?? flags}: expected a comma-separated list, got "${value}"`);
    return items;
  });
}

/** An option that may be repeated; every value is kept in order. */
export function repeatableOption(flags: string, description: string): Option {
  return new Option(flags, description).argParser((value: string, prev: string[] | undefined) => [...(prev ?? []), value]);
}

/** --config / --demo: which profile a command reads. */
export function profileOptions(): Option[] {
  return [
    textOption('--config <file>', 'target profile (default: $HUNT_CONFIG, else hunt.config.json here or in a parent directory)'),
    new Option('--demo', 'use the bundled sample-gateway profile'),
  ];
}

/** --window-minutes: the signature lookback window. */
export function windowOption(description = 'lookback window for signature counts (default: the profile windowMinutes)'): Option {
  return intOption('--window-minutes <n>', description, LIMITS.windowMinutes);
}

/** Adds options to a command in order. */
export function addOptions<C extends { addOption(o: Option): C }>(cmd: C, options: Option[]): C {
  for (const o of options) cmd.addOption(o);
  return cmd;
}

/** The options every profile-reading command shares, as run() receives them. */
export interface ProfileFlags {
  config?: string;
  demo?: boolean;
}
