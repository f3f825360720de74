/**
 * `--demo`: the bundled sample gateway as the gate's live target, in a throwaway home under the out-dir
 * on a free port. It is started (daemonized, like a real service) before the phases and stopped at the
 * end of every invocation — pass, fail, refusal, error or SIGINT — so the README's first command leaves
 * nothing running. A resumed demo gate starts it again in the same home and port.
 */
import path from 'node:path';
import { packageDir } from '../config/package.js';
import { killByEnv } from '../runtime/envscan.js';
import { runCommand } from '../runtime/exec.js';
import { freePort } from '../runtime/ports.js';
import { EnvironmentError } from '../errors.js';
import { GATE_MARKER_ENV, markerValue } from './reap.js';
import type { GateContext } from './types.js';

export const DEMO_HOME_DIR = 'demo-home';
const gatewayBin = () => path.join(packageDir, 'bin', 'hunt-sample-gateway.js');

/** The demo's overrides of a new run: a free loopback port and a home under the out-dir. */
export async function demoOverrides(outDir: string): Promise<{ port: number; home: string }> {
  return { port: await freePort(), home: path.join(outDir, DEMO_HOME_DIR) };
}

function gw(gate: GateContext, args: string[], timeoutMs: number) {
  return runCommand([process.execPath, gatewayBin(), ...args], {
    cwd: gate.opts.outDir,
    env: gate.bound.commandEnv,
    extendEnv: false,
    timeoutMs,
    redact: gate.bound.redact,
  });
}

/** Starts the demo gateway unless it already runs in the demo home (a resumed run finds it still up). */
export async function ensureDemoTarget(gate: GateContext): Promise<'started' | 'running'> {
  const st = await gw(gate, ['status'], 10_000);
  if (st.exitCode === 0 && st.stdout.includes(`port=${gate.bound.target.port}`)) return 'running';
  const start = await gw(gate, ['start', '--detach', '--port', String(gate.bound.target.port)], gate.bound.target.readyTimeoutMs + 5_000);
  if (start.exitCode !== 0) {
    throw new EnvironmentError(
      `--demo: the sample gateway did not start on port ${gate.bound.target.port} (${start.timedOut ? 'timed out' : `exit ${start.exitCode}`})`,
      {
        details: [start.stderr || start.stdout].filter(Boolean),
        hint: `see ${path.join(gate.bound.target.home, 'logs')}; if the port is taken now, start a new gate without --resume`,
      },
    );
  }
  return 'started';
}

/** Stops the demo gateway and sweeps anything still carrying this gate's marker (workers, leaked children). */
export async function stopDemoTarget(gate: Pick<GateContext, 'opts' | 'bound'>): Promise<{ survivors: number[] }> {
  await runCommand([process.execPath, gatewayBin(), 'stop', '--force', '--timeout-ms', '5000'], {
    cwd: gate.opts.outDir,
    env: gate.bound.commandEnv,
    extendEnv: false,
    timeoutMs: 15_000,
    redact: gate.bound.redact,
  });
  const swept = await killByEnv(`${GATE_MARKER_ENV}=${markerValue(gate.opts.outDir)}`, 2000);
  return { survivors: swept.survivors };
}
