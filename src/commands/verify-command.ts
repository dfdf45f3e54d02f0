// `sanad verify "<quote>"`: is the quote in the corpus, and where? verify_quote on the command line
// (same arguments, limits and verdict). Exits 0 when the quote verifies (exact or normalized), 1
// when it does not (partial or not found), 2 on a usage error.
import { checkQuote, renderVerdict, verifyQuoteInputShape } from '../mcp/tools/verify-quote.ts';
import { BACKEND_HELP, BACKEND_OPTIONS, CliError, parseFlags, PATH_HELP, PATH_OPTIONS, resolveBackend, resolvePaths, toolArgs } from './cli-args.ts';
import { openReadView } from './read-view.ts';

const HELP = `usage: sanad verify "<quote>" [--citation ID | --document ID] [--json]

Checks a quote against the articles: exact (verbatim), normalized (same words once diacritics,
letter forms, digits and spacing are unified), partial (only a similar wording) or not_found, with
the citation ids, offsets and the source's own wording. With --citation, a quote found only in
another passage is reported with that passage's id. Exit status: 0 exact or normalized, 1 partial
or not found, 2 usage errors.

  --citation ID   the passage you attribute it to (e.g. report.txt#p3)
  --document ID   look only in this article
  --json          the verify_quote tool's structured output
${PATH_HELP}

${BACKEND_HELP}`;

export const verifyCommand = {
  summary: 'check a quote against the articles',
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, { ...PATH_OPTIONS, ...BACKEND_OPTIONS, citation: { type: 'string' }, document: { type: 'string' }, json: { type: 'boolean' } });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const args = toolArgs(verifyQuoteInputShape, { quote: positionals.join(' '), citation: values.citation, document: values.document }, { quote: 'the quote' });
    const view = await openReadView(resolvePaths(values, process.env).indexDir, resolveBackend(values, process.env), (l) => console.error(l));
    const verdict = await checkQuote(view, args);
    if ('error' in verdict) throw new CliError(verdict.error);
    process.stdout.write(values.json ? `${JSON.stringify(verdict)}\n` : `${renderVerdict(verdict)}\n`);
    return verdict.level === 'exact' || verdict.level === 'normalized' ? 0 : 1;
  },
};
