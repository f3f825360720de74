/**
 * hunt-sample-gateway: the bundled demo daemon (see docs/sample-gateway-contract.md). Plain Node only and few imports,
 * because the chaos matrix starts it dozens of times and startup time adds up.
 */
import { parseArgs } from 'node:util';
import { parseBugs } from './bugs.js';
import { EXIT_CODES, GatewayExit } from './exits.js';
import { isGatewayAlive, readLock } from './lock.js';
import { DEFAULT_PORT, loadConfig, NAME, parsePort, readVersion, resolveHome } from './settings.js';

const USAGE = `usage: ${NAME} <command> [options]
  --version                                  print "${NAME} <version>"
  status                                     exit 0 "running pid=<pid> port=<port>", exit 3 "not running"
  start [--port N] [--detach] [--ready-timeout-ms N]
                                             run the gateway (foreground, or daemonized with --detach)
  stop [--timeout-ms N] [--force]            SIGTERM the running gateway and wait (--force: SIGKILL after the timeout)
  restart [--port N] [--timeout-ms N] [--ready-timeout-ms N]
                                             stop, then start --detach (on the previous port unless --port)
  update --to <version>                      set the version the next start runs
  upstream [--port N]                        a tiny HTTP upstream (200 on every path)
  probe [--port N] [--timeout-ms N]          GET / on the gateway: exit 0 and the JSON on 200, else exit 1
common: --home <dir> (else $SAMPLE_GATEWAY_HOME, else ~/.hunt-sample-gateway)`;

const ALLOWED: Record<string, string[]> = {
  status: ['home'],
  start: ['home', 'port', 'detach', 'ready-timeout-ms', 'daemon-child'],
  stop: ['home', 'timeout-ms', 'force'],
  restart: ['home', 'port', 'timeout-ms', 'ready-timeout-ms', 'force'],
  update: ['home', 'to'],
  upstream: ['home', 'port'],
  probe: ['home', 'port', 'timeout-ms'],
};

type Values = Record<string, string | boolean | undefined>;

function usageError(message: string): never {
  throw new GatewayExit(EXIT_CODES.usage, `${message}\nrun "${NAME} --help" for usage`);
}

function portFlag(v: Values): number | undefined {
  if (v.port === undefined) return undefined;
  const p = parsePort(String(v.port));
  return p === null ? usageError(`--port must be an integer 0-65535, got "${v.port}"`) : p;
}

function msFlag(v: Values, name: string, fallback: number): number {
  if (v[name] === undefined) return fallback;
  const n = Number(v[name]);
  return Number.isInteger(n) && n > 0 ? n : usageError(`--${name} must be a positive integer (milliseconds), got "${v[name]}"`);
}

/** Port for `probe`: flag, else $SAMPLE_GATEWAY_PORT, else the config's port, else the default. */
function probePort(home: string, v: Values): number {
  const flag = portFlag(v);
  if (flag !== undefined) return flag;
  const env = parsePort(process.env.SAMPLE_GATEWAY_PORT ?? '');
  if (env !== null) return env;
  try {
    return loadConfig(home).port ?? DEFAULT_PORT;
  } catch {
    return DEFAULT_PORT; // a broken config is start's business; probe just asks the default port
  }
}

async function dispatch(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        home: { type: 'string' },
        port: { type: 'string' },
        detach: { type: 'boolean' },
        force: { type: 'boolean' },
        to: { type: 'string' },
        'timeout-ms': { type: 'string' },
        'ready-timeout-ms': { type: 'string' },
        'daemon-child': { type: 'boolean' },
        version: { type: 'boolean', short: 'V' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return usageError((e as Error).message);
  }
  const v = parsed.values as Values;
  const [command, ...extra] = parsed.positionals;
  if (v.help) {
    process.stdout.write(USAGE + '\n');
    return EXIT_CODES.ok;
  }
  if (v.version && !command) {
    process.stdout.write(`${NAME} ${readVersion(resolveHome(v.home as string | undefined, process.env, false))}\n`);
    return EXIT_CODES.ok;
  }
  if (!command) usageError('missing command');
  const allowed = ALLOWED[command] ?? usageError(`unknown command "${command}"`);
  if (extra.length) usageError(`unexpected argument "${extra[0]}"`);
  for (const key of Object.keys(v)) if (!allowed.includes(key)) usageError(`${command} does not take --${key}`);

  if (command === 'upstream') {
    const { runUpstream } = await import('./upstream-server.js');
    return runUpstream(portFlag(v) ?? 0);
  }
  const home = resolveHome(v.home as string | undefined);
  const control = () => import('./control.js');
  switch (command) {
    case 'status':
      return (await control()).status(home);
    case 'stop':
      return (await control()).stop(home, msFlag(v, 'timeout-ms', 10_000), v.force === true);
    case 'update':
      return typeof v.to === 'string' && v.to ? (await control()).update(home, v.to) : usageError('update needs --to <version>');
    case 'probe':
      return (await control()).probe(probePort(home, v), msFlag(v, 'timeout-ms', 5000));
    case 'restart': {
      const before = readLock(home);
      const port = portFlag(v) ?? (before && isGatewayAlive(before.pid) && before.port ? before.port : undefined);
      const c = await control();
      const stopped = await c.stop(home, msFlag(v, 'timeout-ms', 10_000), v.force === true);
      return stopped === EXIT_CODES.ok ? c.startDetached(home, port, msFlag(v, 'ready-timeout-ms', 15_000)) : stopped;
    }
    default: {
      if (v.detach) return (await control()).startDetached(home, portFlag(v), msFlag(v, 'ready-timeout-ms', 15_000));
      const { runGateway } = await import('./daemon.js');
      const bugs = parseBugs(process.env.SAMPLE_GATEWAY_BUGS);
      const code = await runGateway({ home, port: portFlag(v), daemonChild: v['daemon-child'] === true, bugs });
      // the gateway is done: do not wait for stray handles (a half-closed client socket) to exit
      setTimeout(() => process.exit(code), 200).unref();
      return code;
    }
  }
}

/** Entry point used by bin/hunt-sample-gateway.js; sets the exit code, never throws. */
export async function main(argv: string[]): Promise<void> {
  try {
    process.exitCode = await dispatch(argv);
  } catch (e) {
    if (e instanceof GatewayExit) {
      process.stderr.write(`${NAME}: ${e.message}\n`);
      process.exitCode = e.code;
      return;
    }
    process.stderr.write(`${NAME}: internal error: ${(e as Error)?.stack ?? e}\n`);
    process.exitCode = EXIT_CODES.failure;
  }
}
