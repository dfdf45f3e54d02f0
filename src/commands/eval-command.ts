// `sanad eval`: retrieval quality of a query set over a pool (a passage set indexed on the fly,
// or an existing index), per mode and per query→passage language pair.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { openPool, type PoolSource } from '../eval/open-pool.ts';
import { readQuerySets } from '../eval/query-set.ts';
import { formatReport, reportJson, type EvalReport } from '../eval/report.ts';
import { runEval, type ModeResult } from '../eval/run-eval.ts';
import type { SearchMode } from '../types.ts';
import { rerankStageFrom } from '../rerank/config.ts';
import { CliError, EMBEDDER_HELP, EMBEDDER_OPTIONS, embedderFlags, intFlag, parseFlags, RERANK_HELP, RERANK_OPTIONS, rerankerFlags } from './cli-args.ts';

const HELP = `usage: sanad eval --queries Q.jsonl (--passages P.jsonl | --passages-dir DIR | --corpus DIR | --index DIR)
                  [--modes hybrid,semantic,lexical] [--k 10] [--json] [--results FILE]

Measures retrieval quality: R@1, R@5, R@10, MRR@10 and nDCG@10 per query→passage language pair
and overall, then per query language ("en->*") and for the cross-language questions (every gold
passage in another language than the question) against the same-language ones, for each mode.

Q.jsonl has one {"id", "lang", "query", "gold": [ids]} per line ("lang" is optional: detected
from the query when absent; optional "xlang": true|false is checked against the gold passages'
languages, and "note" is free text). --queries may be given several times: the sets are run
together against one pool (ids must be unique across them). The pool is one of:
  --passages P.jsonl   one {"id", "lang", "title", "text"} per line; indexed into a temporary
                       index with the configured model. Gold ids are passage ids. May be given
                       several times to pool sets together (e.g. Arabic and Persian passages
                       in one index, so that a language bias shows up).
  --passages-dir DIR   a folder of one file per passage; gold ids are file names without
                       extension. Indexed into a temporary index.
  --corpus DIR         an article folder (e.g. corpus/), indexed into a temporary index. Gold
                       ids are citation ids ("000_a89e.txt#p3") or document ids ("000_a89e.txt"
                       or "000_a89e"), as \`sanad search\` prints them.
  --index DIR          an existing index (e.g. ./index), searched as it is; gold ids as for
                       --corpus.
A hit on any passage of a gold document counts, and several hits on one document count once;
a gold citation id also matches the parts of a split paragraph and folded copies (also_in).
A gold id that is not in the pool is an error.

  --modes LIST     comma-separated modes (default hybrid,semantic,lexical)
  --k N            results asked per query (default 10; the metrics read the first 10)
  --json           the report as one JSON object on stdout
  --results FILE   also write the rankings as {"id", "ranked": [ids]} lines (one file per mode:
                   FILE with the mode before its extension), the reference scorer's format
  --titles         write passages.jsonl titles as title lines (default: text only)
  --keep-index DIR build the pool's index in DIR and keep it (a later run reuses its vectors;
                   not with --index)
  --lexical-only   build the pool's index without a model (not with --index)
  --quiet          no progress on stderr

With a reranker (below), every mode's first --rerank-top fused results are reranked; run once
with and once without to measure the stage. Queries whose reranking failed are counted and
reported, never silently mixed in.

${EMBEDDER_HELP}

${RERANK_HELP}`;

const ModeSchema = z.enum(['hybrid', 'semantic', 'lexical']);

export const evalCommand = {
  summary: 'measure retrieval quality on a query set',
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
      ...EMBEDDER_OPTIONS,
      ...RERANK_OPTIONS,
      queries: { type: 'string', multiple: true },
      passages: { type: 'string', multiple: true },
      'passages-dir': { type: 'string' },
      corpus: { type: 'string' },
      index: { type: 'string' },
      modes: { type: 'string' },
      k: { type: 'string' },
      json: { type: 'boolean' },
      results: { type: 'string' },
      titles: { type: 'boolean' },
      'keep-index': { type: 'string' },
      'lexical-only': { type: 'boolean' },
      quiet: { type: 'boolean' },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (positionals.length > 0) throw new CliError(`unexpected argument "${positionals[0]}"; see sanad eval --help`);
    if (!values.queries || values.queries.length === 0) throw new CliError('--queries FILE.jsonl is required (one {"id", "query", "gold": [...]} per line)');
    const source = poolSource(values);
    if (values.titles && source.kind !== 'passages') throw new CliError('--titles applies to --passages only');
    if (source.kind === 'index' && (values['keep-index'] || values['lexical-only'])) {
      throw new CliError('--keep-index and --lexical-only build a pool index; with --index the index is used as it is');
    }
    const modes = parseModes(values.modes);
    const k = intFlag(values.k, 'k', 10, 1, 100);
    const quiet = values.quiet ?? false;
    const log = (l: string) => {
      if (!quiet) console.error(l);
    };

    const reranker = rerankStageFrom(rerankerFlags(values), process.env, { onLog: log, onEvent: (e) => log(e.message) });
    const queries = await readQuerySets(values.queries);
    const opened = await openPool(source, {
      reranker,
      flags: embedderFlags(values),
      env: process.env,
      onLog: log,
      lexicalOnly: values['lexical-only'] ?? false,
      titles: values.titles ?? false,
      ...(values['keep-index'] ? { keepIndex: path.resolve(values['keep-index']) } : {}),
      progress: !quiet,
    });
    try {
      // A local model loads before the first query, so no query is timed (or cut) by the loading.
      await reranker?.warmUp();
      let lastShown = 0;
      const results = await runEval(opened.searcher, queries, opened.pool, {
        modes,
        k,
        onQuery: (done, total, mode) => {
          // A line every 10% keeps a long semantic run visibly alive without flooding a log.
          const step = Math.max(1, Math.ceil(total / 10));
          if (!quiet && (done === total || done - lastShown >= step)) {
            lastShown = done === total ? 0 : done;
            console.error(`${mode}: ${done}/${total} queries`);
          }
        },
      });
      const report: EvalReport = {
        queries: values.queries.join(' + '),
        queryCount: queries.length,
        pool: opened.summary,
        embedder: opened.embedder,
        reranker: reranker ? `${reranker.description}, first ${reranker.top} fused results` : null,
        k,
        modes: results,
      };
      if (values.results) await writeRankings(values.results, results);
      process.stdout.write(values.json ? `${JSON.stringify(reportJson(report))}\n` : formatReport(report));
      return 0;
    } finally {
      await opened.close();
      await reranker?.close();
    }
  },
};

interface SourceFlags {
  passages?: string[] | undefined;
  'passages-dir'?: string | undefined;
  corpus?: string | undefined;
  index?: string | undefined;
}

function poolSource(values: SourceFlags): PoolSource {
  const given = [values.passages, values['passages-dir'], values.corpus, values.index].filter((v) => v !== undefined);
  if (given.length !== 1) {
    throw new CliError('give exactly one pool: --passages P.jsonl, --passages-dir DIR, --corpus DIR or --index DIR (e.g. --corpus corpus)');
  }
  if (values.passages) return { kind: 'passages', files: values.passages.map((f) => path.resolve(f)) };
  if (values['passages-dir']) return { kind: 'passages-dir', dir: path.resolve(values['passages-dir']) };
  if (values.corpus) return { kind: 'corpus', dir: path.resolve(values.corpus) };
  return { kind: 'index', dir: path.resolve(values.index ?? 'index') };
}

export function parseModes(value: string | undefined): SearchMode[] {
  const names = (value ?? 'hybrid,semantic,lexical').split(',').map((s) => s.trim()).filter(Boolean);
  const modes: SearchMode[] = [];
  for (const name of names) {
    const m = ModeSchema.safeParse(name);
    if (!m.success) throw new CliError(`--modes takes hybrid, semantic and/or lexical, comma-separated (got "${name}")`);
    if (!modes.includes(m.data)) modes.push(m.data);
  }
  if (modes.length === 0) throw new CliError('--modes needs at least one of hybrid, semantic, lexical');
  return modes;
}

/** `out/run.jsonl` + hybrid → `out/run.hybrid.jsonl`. */
export function rankingsFile(file: string, mode: SearchMode): string {
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}.${mode}${ext || '.jsonl'}`;
}

async function writeRankings(file: string, results: readonly ModeResult[]): Promise<void> {
  for (const m of results) {
    const lines = [...m.rankings].map(([id, ranked]) => JSON.stringify({ id, ranked }));
    await writeFile(rankingsFile(file, m.mode), `${lines.join('\n')}\n`);
  }
}
