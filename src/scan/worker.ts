/**
 * Worker-thread entry: receives ScanTasks, answers with PartialResults. Compiled with the rest of src, so it
 * runs from dist/scan/worker.js next to the module that spawns it.
 */
import { parentPort } from 'node:worker_threads';
import { runTask, type ScanTask } from './file-scan.js';

parentPort?.on('message', (msg: { id: number; task: ScanTask }) => {
  runTask(msg.task).then(
    (result) => parentPort?.postMessage({ id: msg.id, result }),
    (err: unknown) => parentPort?.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
// Loaded: the pool hands work to this thread from now on.
parentPort?.postMessage({ ready: true });
