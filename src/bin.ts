// The process entry (bin/sanad.js imports it): run the CLI with the command line, set the exit code.
import { main } from './cli.ts';

process.exitCode = await main(process.argv.slice(2));
