/**
 * The start-time misbehaviours of the bug switches that act on their own (the others live where the
 * behaviour they break lives: lock, listen, reload, SIGTERM, health, config checks).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Bugs } from './bugs.js';
import type { Logger } from './log.js';
import { workerScript } from './worker-handle.js';

/** Starts the enabled behaviours; returns the function that stops the ones that can be stopped. */
export function startBugBehaviours(bugs: Bugs, home: string, log: Logger): () => void {
  if (bugs.has('write-outside-home')) {
    // deliberately absolute /tmp (ignoring $TMPDIR and the home) and the working directory
    const note = `written by ${process.pid} outside its home ${home} (bug write-outside-home)\n`;
    for (const file of [`/tmp/hunt-sample-gateway-leak-${process.pid}`, path.resolve(`gateway-leak-${process.pid}.txt`)]) {
      try {
        fs.writeFileSync(file, note);
      } catch (err) {
        log.warn(`could not write ${file}: ${(err as Error).message}`);
      }
    }
  }
  if (bugs.has('leak-child')) {
    // own session (setsid), no IPC, stdio detached: nothing ties it to the gateway, so it survives shutdown
    const child = spawn(process.execPath, [workerScript, '--role', 'leaked', '--home', home], {
      detached: true,
      stdio: 'ignore',
      env: process.env,
    });
    child.on('error', (err) => log.warn(`helper failed to start: ${err.message}`));
    child.unref();
    if (child.pid) log.event(`started helper pid=${child.pid}`);
  }
  let crashLoop: NodeJS.Timeout | null = null;
  if (bugs.has('crash-loop-log')) {
    const burst = () => {
      log.fatal('worker crashed: simulated crash loop (bug crash-loop-log)');
      log.error('UnhandledPromiseRejection: Error: simulated rejection in request handler (bug crash-loop-log)');
    };
    burst();
    crashLoop = setInterval(burst, 1000);
  }
  return () => {
    if (crashLoop) clearInterval(crashLoop);
  };
}
