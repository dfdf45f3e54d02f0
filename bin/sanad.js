#!/usr/bin/env node
// The published entry point: register tsx so the TypeScript sources run as they are (no build
// step to forget), then hand over to the CLI, which parses arguments and dispatches.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
