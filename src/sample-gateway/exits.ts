/** Exit codes of hunt-sample-gateway (sysexits.h where one fits, so scripts can tell failures apart). */
export const EXIT_CODES = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** `status` when no instance is running (LSB init-script convention). */
  notRunning: 3,
  /** EX_CANTCREAT: the pid lock is held by a live instance. */
  locked: 73,
  /** EX_CONFIG: missing required env var or invalid config. */
  config: 78,
  /** Linux errno EADDRINUSE: the port is taken. */
  addrInUse: 98,
} as const;

/** A failure that ends the program with a specific exit code and a stable one-line message. */
export class GatewayExit extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}
