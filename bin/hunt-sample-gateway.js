#!/usr/bin/env node
// Thin launcher for the bundled demo daemon (src/sample-gateway).
import { main } from '../dist/sample-gateway/main.js';
main(process.argv.slice(2));
