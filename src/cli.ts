// Entry point of the `sanad` command: picks the subcommand and turns failures into one line on
// stderr and a non-zero exit code. Each command parses its own flags.
import { CliError } from './commands/cli-args.ts';
import { packageVersion } from './version.ts';

interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  index: async () => (await import('./commands/index-command.ts')).indexCommand,
  search: async () => (await import('./commands/search-command.ts')).searchCommand,
  serve: async () => (await import('./commands/serve-command.ts')).serveCommand,
  eval: async () => (await import('./commands/eval-command.ts')).evalCommand,
  view: async () => (await import('./commands/view-command.ts')).viewCommand,
  init: async () => (await import('./commands/init-command.ts')).initCommand,
  solr: async () => (await import('./commands/solr-command.ts')).solrCommand,
  get: async () => (await import('./commands/get-command.ts')).getCommand,
  verify: async () => (await import('./commands/verify-command.ts')).verifyCommand,
};

const SUMMARIES: Record<string, string> = {
  index: 'build or update the index from the corpus folder',
  search: 'search the index from the command line',
  serve: 'start the MCP server (stdio, or Streamable HTTP with --http)',
  eval: 'measure retrieval quality on a query set',
  view: 'show cited passages and quotes in a browser (a local web page)',
  init: 'write the sample corpus into a folder (a first run outside a checkout)',
  solr: 'create or inspect the Solr collection (--backend solr)',
  get: 'print cited passages (and their neighbours) by citation id',
  verify: 'check a quote against the articles (exit 0 when it verifies)',
};

export function usage(): string {
  const lines = Object.entries(SUMMARIES).map(([name, summary]) => `  ${name.padEnd(8)} ${summary}`);
  return [
    'sanad: cited, verifiable retrieval over Arabic and Persian news articles (an MCP server)',
    '',
    'usage: sanad <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    'Run `sanad <command> --help` for a command\'s options.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`sanad ${packageVersion()}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`sanad: unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')} (see sanad --help)`);
    return 2;
  }
  try {
    const command = await load();
    return await command.run(rest);
  } catch (err) {
    if (err instanceof CliError) {
      console.error(`sanad ${name}: ${err.message}`);
      return err.exitCode;
    }
    console.error(`sanad ${name}: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.SANAD_DEBUG) console.error(err);
    return 1;
  }
}
