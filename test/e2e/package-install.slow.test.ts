/**
 * SLOW (a few minutes) but required: the package as users get it. Runs as `npm run test:package` (CI runs it
 * after `npm test`), not in `npm test`: it needs the npm registry. Packs a copy of the repository (prepack builds
 * it), checks what the tarball holds, installs it into fresh npm and pnpm 10 projects and runs there what a new user
 * runs: `hunt init`, the scripts it prints, the `--demo` gate, render-report, and the programmatic API. Every
 * `$schema` and doc path the CLI hands out must resolve from the project.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addScripts, copyRepo, repoRoot, deadReferences, expectExit, freshProject, isolatedEnv, printedScripts, run, type Run } from './package.helpers.js';

const MINUTES = 60_000;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hunt-pkg-'));
const env = isolatedEnv(tmp);
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
let tarball = '';
let listing: string[] = [];

beforeAll(async () => {
  const src = copyRepo(path.join(tmp, 'repo'));
  const packed = expectExit(await run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: src, env, timeoutMs: 10 * MINUTES }), 0, 'npm pack');
  const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = path.join(tmp, info[0].filename);
  listing = info[0].files.map((f) => f.path).sort();
}, 10 * MINUTES);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the packed tarball', () => {
  it('holds what the installed CLI reads and nothing it does not', () => {
    for (const f of [
      'LICENSE',
      'README.md',
      'package.json',
      'bin/hunt.js',
      'dist/cli.js',
      'dist/index.js',
      'dist/index.d.ts',
      'profiles/sample-gateway.json',
    ]) {
      expect(listing).toContain(f);
    }
    for (const dir of ['schemas/', 'templates/partials/', 'runbooks/', 'docs/', 'dist/sample-gateway/', 'dist/scan/']) {
      expect(listing.some((f) => f.startsWith(dir))).toBe(true);
    }
    const foreign = listing.filter((f) => /\.(map|ts)$/.test(f) && !f.endsWith('.d.ts'));
    expect(foreign).toEqual([]);
    expect(
      listing.filter((f) => /^(src|test|bench|scripts|\.ci)\//.test(f) || f.includes('.build-hash') || f.endsWith('.tsbuildinfo') || f.endsWith('.tgz')),
    ).toEqual([]);
  });

  it('declares where it comes from and how it is imported', () => {
    const manifest = JSON.parse(readFileSync(path.join(tmp, 'repo', 'package.json'), 'utf8'));
    expect(manifest.repository?.url).toMatch(/^git\+https:\/\/github\.com\//);
    expect(manifest.homepage).toMatch(/^https:\/\//);
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(manifest.scripts.prepare).toBeUndefined();
    expect(manifest.scripts.postinstall).toBeUndefined();
  });
});

/** The commands of one package manager, as a user would type them. */
interface Manager {
  name: 'npm' | 'pnpm';
  install(dir: string): Promise<Run>;
  exec(dir: string, args: string[]): Promise<Run>;
  script(dir: string, name: string, args: string[]): Promise<Run>;
}

const npm: Manager = {
  name: 'npm',
  install: (dir) => run('npm', ['install', '--save-dev', tarball], { cwd: dir, env }),
  exec: (dir, args) => run('npx', ['--no-install', 'hunt', ...args], { cwd: dir, env }),
  script: (dir, name, args) => run('npm', ['run', '--silent', name, ...(args.length ? ['--', ...args] : [])], { cwd: dir, env }),
};

/** pnpm 10, installed once from the registry into the test's directory (npx would resolve it again on every call). */
let pnpmBin = '';
const pnpmRun = (args: string[], dir: string) => run(process.execPath, [pnpmBin, ...args], { cwd: dir, env });

const pnpm: Manager = {
  name: 'pnpm',
  install: async (dir) => {
    if (!pnpmBin) {
      const prefix = path.join(tmp, 'pnpm-cli');
      expectExit(await run('npm', ['install', '--prefix', prefix, '--no-save', 'pnpm@10'], { cwd: tmp, env }), 0, 'npm install pnpm@10');
      pnpmBin = path.join(prefix, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');
    }
    return pnpmRun(['add', '--save-dev', tarball], dir);
  },
  exec: (dir, args) => pnpmRun(['exec', 'hunt', ...args], dir),
  script: (dir, name, args) => pnpmRun(['run', '--silent', name, ...args], dir),
};

describe.each([npm, pnpm])('installed with $name into a fresh project', (pm) => {
  const dir = path.join(tmp, `${pm.name}-app`);
  let installed: Run;
  beforeAll(async () => {
    freshProject(dir);
    installed = expectExit(await pm.install(dir), 0, `${pm.name} install`);
  }, 10 * MINUTES);

  it(
    'installs without install-script warnings, runs hunt init and the scripts it prints, --demo included',
    async () => {
      expect(`${installed.stdout}${installed.stderr}`).not.toMatch(/release-hunt.*(prepare|install)|install-scripts.*release-hunt/i);

      expect(expectExit(await pm.exec(dir, ['--version']), 0, 'hunt --version').stdout.trim()).toBe(pkg.version);

      const init = expectExit(await pm.exec(dir, ['init', '--port', '47999']), 0, 'hunt init');
      expect(deadReferences(init.stdout, dir)).toEqual([]);
      for (const f of ['hunt.config.json', 'known-issues.json']) {
        const schema = (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { $schema: string }).$schema;
        // The stable install path: it survives an upgrade under pnpm too (no .pnpm/<version> in it).
        expect(schema).toMatch(/^\.\/node_modules\/release-hunt\/schemas\/[\w.-]+\.schema\.json$/);
        expect(deadReferences(schema, dir)).toEqual([]);
      }
      const scripts = printedScripts(init.stdout);
      expect(Object.keys(scripts).sort()).toEqual(['hunt:collect', 'hunt:release-gate', 'hunt:render-report', 'hunt:staging-chaos']);
      addScripts(dir, scripts);

      // The starter profile's daemon does not exist: collect still writes its snapshot and exits 0.
      const collect = expectExit(await pm.script(dir, 'hunt:collect', ['--output', 'snap.json', '--json']), 0, 'hunt:collect');
      expect(JSON.parse(collect.stdout).output).toBe(path.join(dir, 'snap.json'));
      expectExit(await pm.script(dir, 'hunt:collect', ['--demo', '--output', 'demo-snap.json']), 0, 'hunt:collect --demo');

      const gateDir = path.join(dir, 'gate');
      const gate = expectExit(await pm.script(dir, 'hunt:release-gate', ['--demo', '--out-dir', gateDir, '--json']), [0], 'hunt:release-gate --demo');
      const verdict = JSON.parse(gate.stdout) as { verdict: string };
      expect(['pass', 'warn']).toContain(verdict.verdict);
      expect(deadReferences(gate.stderr, dir)).toEqual([]);
      const human = expectExit(
        await pm.script(dir, 'hunt:render-report', [
          '--input',
          path.join(gateDir, 'hunt-report.json'),
          '--md-out',
          'gate.md',
          '--json-out',
          'gate.json',
          '--junit-out',
          'junit.xml',
        ]),
        [0],
        'hunt:render-report',
      );
      expect(deadReferences(human.stdout + human.stderr, dir)).toEqual([]);
      expect(readFileSync(path.join(dir, 'gate.md'), 'utf8')).toContain('Verdict');
      expect(readFileSync(path.join(dir, 'junit.xml'), 'utf8')).toContain('<testsuites name="hunt"');

      const chaos = await pm.script(dir, 'hunt:staging-chaos', ['--demo']);
      expectExit(chaos, [0], 'hunt:staging-chaos --demo');

      // Help texts point at docs the package ships.
      for (const cmd of ['collect', 'staging-chaos', 'render-report', 'release-gate', 'merge', 'diff', 'trend']) {
        const help = expectExit(await pm.exec(dir, [cmd, '--help']), 0, `hunt ${cmd} --help`);
        expect(deadReferences(help.stdout, path.join(dir, 'node_modules', 'release-hunt'))).toEqual([]);
      }
    },
    20 * MINUTES,
  );

  it(
    'offers a typed programmatic API',
    async () => {
      writeFileSync(path.join(dir, 'fail.json'), readFileSync(path.join(repoRoot, 'test', 'fixtures', 'reports', 'fail.json')));
      writeFileSync(
        path.join(dir, 'api.mjs'),
        [
          "import { readFileSync } from 'node:fs';",
          "import { renderReport, EXIT, defineConfig, validateConfig } from 'release-hunt';",
          "const r = await renderReport(JSON.parse(readFileSync('fail.json', 'utf8')));",
          'console.log(JSON.stringify({ status: r.verdict.status, md: r.markdown.length > 0, internal: EXIT.internal, config: validateConfig(defineConfig({})).ok }));',
        ].join('\n'),
      );
      const api = expectExit(await run(process.execPath, ['api.mjs'], { cwd: dir, env }), 0, 'programmatic API');
      expect(JSON.parse(api.stdout)).toEqual({ status: 'fail', md: true, internal: 70, config: false });

      // The declarations resolve through `exports` and type-check a consumer under NodeNext.
      writeFileSync(
        path.join(dir, 'consumer.ts'),
        [
          "import { computeVerdict, type HuntReportV1, type GateVerdict } from 'release-hunt';",
          'declare const report: HuntReportV1;',
          'const v: GateVerdict = computeVerdict(report);',
          "export const s: 'pass' | 'warn' | 'fail' = v.status;",
        ].join('\n'),
      );
      writeFileSync(
        path.join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: [] },
          files: ['consumer.ts'],
        }),
      );
      const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
      expectExit(await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir, env }), 0, `tsc on a consumer (${pm.name})`);
    },
    5 * MINUTES,
  );
});
