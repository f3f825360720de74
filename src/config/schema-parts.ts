/** The small zod building blocks every section of the profile schema shares. */
import { z } from 'zod';

/** A positive whole number of milliseconds. */
export const duration = z.number().int().positive();

/** A command: a string runs through the shell, an array of strings runs directly (no shell). */
export const commandLine = z.union([z.string().min(1), z.array(z.string()).min(1)], {
  error: 'expected a command: a non-empty string (run by the shell) or a non-empty array of strings (run directly)',
});

/** A JavaScript regular expression's source, checked to compile. */
export const regexSource = z.string().refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'must be a valid JavaScript regular expression');
