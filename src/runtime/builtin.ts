/**
 * Node built-ins that only some runs need (https for an https health URL, zlib for gzipped logs, worker_threads
 * for a parallel scan), loaded on first use: imported at the top, each one's compilation is paid on every
 * start-up (~25 ms of CPU together on Node 20), also by a `hunt collect` that uses none of them.
 * node:http is here too, though every collect probes health: on Node 24 an ESM `import` of node:http builds its
 * ESM facade, whose export sync touches the lazy undici-backed exports and loads all of undici (~15 ms); `require`
 * does not.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/** node:http, loaded on first call (see above). */
export const http = (): typeof import('node:http') => load('node:http') as typeof import('node:http');
/** node:https, loaded on first call. */
export const https = (): typeof import('node:https') => load('node:https') as typeof import('node:https');
/** node:zlib, loaded on first call. */
export const zlib = (): typeof import('node:zlib') => load('node:zlib') as typeof import('node:zlib');
/** node:worker_threads, loaded on first call. */
export const workerThreads = (): typeof import('node:worker_threads') => load('node:worker_threads') as typeof import('node:worker_threads');
