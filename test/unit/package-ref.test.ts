import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageFileRef, packageRoot } from '../../src/runtime/package-ref.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'hunt-ref-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('packageFileRef', () => {
  it('names the stable install path when the project links this package (npm copy or pnpm symlink into .pnpm)', () => {
    const project = path.join(tmp, 'pnpm-app');
    const store = path.join(project, 'node_modules', '.pnpm', 'release-hunt@file+x', 'node_modules', 'release-hunt');
    mkdirSync(store, { recursive: true });
    symlinkSync(store, path.join(project, 'node_modules', 'release-hunt'), 'dir');
    expect(packageFileRef(project, 'schemas/hunt-config.schema.json', 'absolute', store)).toBe('./node_modules/release-hunt/schemas/hunt-config.schema.json');
    expect(packageFileRef(project, 'docs/config.md', 'absolute', store)).toBe('./node_modules/release-hunt/docs/config.md');
  });

  it('is relative inside a source checkout and absolute (or the install path) elsewhere', () => {
    expect(packageFileRef(packageRoot, 'docs/config.md')).toBe('docs/config.md');
    expect(packageFileRef(path.join(packageRoot, 'test'), 'docs/config.md')).toBe(path.join(packageRoot, 'docs', 'config.md'));
    expect(packageFileRef(tmp, 'docs/config.md')).toBe(path.join(packageRoot, 'docs', 'config.md'));
    expect(packageFileRef(tmp, 'schemas/x.json', 'install-path')).toBe('./node_modules/release-hunt/schemas/x.json');
  });
});
