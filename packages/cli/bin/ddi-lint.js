#!/usr/bin/env node
// The V8 flags first (src/v8-flags.ts says why), then the CLI: no analysis code has been compiled yet.
import { applyV8Flags } from '../dist/v8-flags.js';

applyV8Flags();
const { main } = await import('../dist/cli.js');
process.exitCode = await main(process.argv.slice(2), { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr });
