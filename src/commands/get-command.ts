// `sanad get <citation>...`: cited passages verbatim, with neighbouring paragraphs: get_passage on
// the command line (same arguments, limits and output).
import { getPassageInputShape, MAX_IDS, MAX_NEIGHBOURS, readPassages, renderPassages } from '../mcp/tools/get-passage.ts';
import { BACKEND_HELP, BACKEND_OPTIONS, CliError, numeric, parseFlags, PATH_HELP, PATH_OPTIONS, resolveBackend, resolvePaths, toolArgs } from './cli-args.ts';
import { openReadView } from './read-view.ts';

const HELP = `usage: sanad get <citation>... [--before N] [--after N] [--json]

Prints cited passages verbatim (e.g. sanad get 000_a89eda4c32949ba3.txt#p11), with their document's
title, outlet and date and their offsets in the source file. An unknown id is an error that names
the nearest real ones.

  --before N, --after N   also print N neighbouring paragraphs of the same article (0–${MAX_NEIGHBOURS})
  --json                  the get_passage tool's structured output
  at most ${MAX_IDS} citation ids
${PATH_HELP}

${BACKEND_HELP}`;

export const getCommand = {
  summary: 'print cited passages',
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, { ...PATH_OPTIONS, ...BACKEND_OPTIONS, before: { type: 'string' }, after: { type: 'string' }, json: { type: 'boolean' } });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (positionals.length === 0) throw new CliError('give a citation id, e.g. sanad get report.txt#p3');
    const args = toolArgs(getPassageInputShape, { ids: positionals, before: numeric(values.before), after: numeric(values.after) }, { ids: 'citation ids' });
    const view = await openReadView(resolvePaths(values, process.env).indexDir, resolveBackend(values, process.env), (l) => console.error(l));
    const read = await readPassages(view, args);
    if ('error' in read) throw new CliError(read.error.replace(/^get_passage: /u, ''), 1);
    process.stdout.write(values.json ? `${JSON.stringify(read)}\n` : `${renderPassages(read.passages)}\n`);
    return 0;
  },
};
