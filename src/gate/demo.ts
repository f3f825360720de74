/**
 * `--demo`: the bundled sample gateway as the gate's live target, in a throwaway home under the out-dir
 * on a free port. It is started (daemonized, like a real service) before the phases and stopped at the
 * end of every invocation — pass, fail, refusal, error or SIGINT — so the README's first command leaves
 * nothing running. A resumed demo gate starts it again in the same home and port.
 */
import path from 'node:path';
import { packageDir } from '../config/load.js';
import { killByEnv } from '../chaos/envscan.js';
import { runCommand } from '../runtime/exec.js';
import { freePort } from '../runtime/ports.js';
import { EnvironmentError } from '../errors.js';
import { GATE_MARKER_ENV, markerValue } from './reap.js';
import type { GateContext } from './types.js';

export const DEMO_HOME_DIR = 'demo-home';
const gatewayBin = () => path.join(packageDir, 'bin', 'hunt-sample-gateway.js');

/** The demo binding of a new run: a home under the out-dir and a free loopback port. */
export async function demoBinding(outDir: string): Promise<{ port: number; home: string }> {
  return { port: await freePort(), home: path.join(outDir, DEMO_HOME_DIR) };
}

function gw(gate: GateContext, args: string[], timeoutMs: number) {
  return runCommand([process.execPath, gatewayBin(), ...args], { cwd: gate.opts.outDir, env: gate.env, extendEnv: false, timeoutMs, redact: gate.redact });
}

/** Starts the demo gateway unless it already runs in the demo home (a resumed run finds it still up). */
export async function ensureDemoTarget(gate: GateContext): Promise<'started' | 'running'> {
  const st = await gw(gate, ['status'], 10_000);
  if (st.exitCode === 0 && st.stdout.includes(`port=${gate.opts.binding.port}`)) return 'running';
  const start = await gw(gate, ['start', '--detach', '--port', String(gate.opts.binding.port)], gate.target.readyTimeoutMs + 5_000);
  if (start.exitCode !== 0) {
    throw new EnvironmentError(
      `--demo: the sample gateway did not start on port ${gate.opts.binding.port} (${start.timedOut ? 'timed out' : `exit ${start.exitCode}`})`,
      {
        details: [start.stderr || start.stdout].filter(Boolean),
        hint: `see ${path.join(gate.opts.binding.home, 'logs')}; if the port is taken now, start a new gate without --resume`,
      },
    );
  }
  return 'started';
}

/** Stops the demo gateway and sweeps anything still carrying this gate's marker (workers, leaked children). */
export async function stopDemoTarget(gate: Pick<GateContext, 'opts' | 'env' | 'redact'>): Promise<{ survivors: number[] }> {
  await runCommand([process.execPath, gatewayBin(), 'stop', '--force', '--timeout-ms', '5000'], {
    cwd: gate.opts.outDir,
    env: gate.env,
    extendEnv: false,
    timeoutMs: 15_000,
    redact: gate.redact,
  });
  const swept = await killByEnv(`${GATE_MARKER_ENV}=${markerValue(gate.opts.outDir)}`, 2000);
  return { survivors: swept.survivors };
}
