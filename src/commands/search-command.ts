// `sanad search`: one query (readable or JSON) or a batch file of queries (JSON lines), with the
// model loaded once for the whole batch.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { viewOf } from '../mcp/tools/index-view.ts';
import { plural } from '../mcp/tools/shared.ts';
import { DEFAULT_K, MAX_DOCUMENT_FILTER, MAX_K, MAX_VARIANTS, runSearch, searchInputShape } from '../mcp/tools/search.ts';
import { openSearcher } from '../search/open-searcher.ts';
import type { SearchHit, SearchResponse } from '../types.ts';
import { rerankStageFrom } from '../rerank/config.ts';
import {
  BACKEND_HELP,
  BACKEND_OPTIONS,
  CliError,
  EMBEDDER_HELP,
  EMBEDDER_OPTIONS,
  embedderFlags,
  numeric,
  PATH_HELP,
  PATH_OPTIONS,
  parseFlags,
  RERANK_HELP,
  RERANK_OPTIONS,
  rerankerFlags,
  resolveBackend,
  resolvePaths,
  toolArgs,
} from './cli-args.ts';

const HELP = `usage: sanad search "<query>" [--k N] [--mode hybrid|semantic|lexical] [filters] [--json]
       sanad search --queries FILE.jsonl --json [--k N] [--mode ...] [filters]

Searches the index, as the search tool does (same arguments, limits and ranking). Queries may be in
English, Arabic or Persian. Each result carries a citation id (document#pN), character offsets into
the source file and the verbatim paragraph text. A batch file has one {"id": ..., "query": ...} per
line; one {"id", "results"} line is written per query.

  --k N                 results to return (default ${DEFAULT_K}, max ${MAX_K})
  --mode M              hybrid (default), semantic or lexical
  --variants "Q"        another phrasing of the question (e.g. in Arabic or Persian), ranked
                        together with it; repeat for several (at most ${MAX_VARIANTS})
  --documents ID        only this document; repeat for several (at most ${MAX_DOCUMENT_FILTER})
  --per-document N      passages one article may take before the others' best ones (default 1)
  --language L          only passages in ar, fa or en
  --outlet NAME         only articles first published by this outlet; repeat for several
  --published-from D, --published-to D    publication date range (YYYY-MM-DD, YYYY-MM or YYYY)
  --mentioned-from D, --mentioned-to D    range of dates the article mentions
  --json                JSON output: {"mode", "results": [{"citation", "document", "path", "start",
                        "end", "text", "score", "also_in", "rerank_score"?, "lang", "outlet"?,
                        "published"?}], "rerank"?}
  --queries F           batch mode (JSON lines in, JSON lines out)
${PATH_HELP}

${BACKEND_HELP}

${EMBEDDER_HELP}

${RERANK_HELP}`;

const BatchLineSchema = z.object({ id: z.union([z.string(), z.number()]), query: z.string() });

export const searchCommand = {
  summary: 'search the index',
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
      ...PATH_OPTIONS,
      ...BACKEND_OPTIONS,
      ...EMBEDDER_OPTIONS,
      ...RERANK_OPTIONS,
      k: { type: 'string' },
      mode: { type: 'string' },
      variants: { type: 'string', multiple: true },
      documents: { type: 'string', multiple: true },
      'per-document': { type: 'string' },
      language: { type: 'string' },
      outlet: { type: 'string', multiple: true },
      'published-from': { type: 'string' },
      'published-to': { type: 'string' },
      'mentioned-from': { type: 'string' },
      'mentioned-to': { type: 'string' },
      json: { type: 'boolean' },
      queries: { type: 'string' },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const query = positionals.join(' ').trim();
    if (!values.queries && query === '') throw new CliError('give a query ("sanad search \\"your question\\"") or --queries FILE.jsonl');
    if (values.queries && query !== '') throw new CliError('give either a query or --queries, not both');
    // Everything but the query, checked by the search tool's own schema (a placeholder query here;
    // each real one is checked when it is run).
    const rest = {
      k: numeric(values.k),
      mode: values.mode,
      variants: values.variants,
      documents: values.documents,
      per_document: numeric(values['per-document']),
      language: values.language,
      outlets: values.outlet,
      published_from: values['published-from'],
      published_to: values['published-to'],
      mentioned_from: values['mentioned-from'],
      mentioned_to: values['mentioned-to'],
    };
    toolArgs(searchInputShape, { query: 'placeholder', ...rest });

    const { indexDir } = resolvePaths(values, process.env);
    const backend = resolveBackend(values, process.env);
    const log = (l: string) => console.error(l);
    const reranker = rerankStageFrom(rerankerFlags(values), process.env, { onLog: log, onEvent: (e) => log(e.message) });
    try {
      const searcher = await openSearcher(indexDir, { flags: embedderFlags(values), env: process.env, onLog: log }, backend, { reranker });
      // A local model loads now, not inside the first search's time limit.
      await reranker?.warmUp();
      const view = viewOf(searcher);
      const search = async (q: string) => {
        const ran = await runSearch(view, toolArgs(searchInputShape, { query: q, ...rest }, { query: 'the query' }));
        if ('error' in ran) throw new CliError(ran.error.replace(/^search: /u, ''), 1);
        return ran.response;
      };
      if (values.queries) return await runBatch(search, values.queries);
      const response = await search(query);
      for (const note of notices(response)) console.error(`note: ${note}`);
      process.stdout.write(values.json ? `${JSON.stringify(toJson(response))}\n` : formatReadable(response, Boolean(process.stdout.isTTY)));
      return 0;
    } finally {
      await reranker?.close();
    }
  },
};

async function runBatch(search: (query: string) => Promise<SearchResponse>, file: string): Promise<number> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let lineNo = 0;
  const shown = new Set<string>();
  let notReranked = 0;
  let queries = 0;
  for await (const raw of lines) {
    lineNo++;
    if (raw.trim() === '') continue;
    let parsed: z.infer<typeof BatchLineSchema>;
    try {
      parsed = BatchLineSchema.parse(JSON.parse(raw));
    } catch {
      throw new CliError(`${file}:${lineNo}: expected a JSON object {"id": ..., "query": "..."}`);
    }
    let response: SearchResponse;
    try {
      response = await search(parsed.query);
    } catch (err) {
      if (err instanceof CliError) throw new CliError(`${file}:${lineNo}: ${err.message}`, err.exitCode);
      throw err;
    }
    queries++;
    if (response.rerank && !response.rerank.applied) notReranked++;
    // Each kind of notice once (its words before the reason): a batch of a thousand queries should
    // not print the same news a thousand times; the count of queries not reranked comes at the end.
    for (const note of notices(response)) {
      const kind = note.split(/[:(]/)[0] ?? note;
      if (shown.has(kind)) continue;
      shown.add(kind);
      console.error(`note: ${note}`);
    }
    process.stdout.write(`${JSON.stringify({ id: parsed.id, ...toJson(response) })}\n`);
  }
  if (notReranked > 0) console.error(`note: ${notReranked} of ${queries} queries kept the fused order (the reranker failed or was skipped)`);
  return 0;
}

function notices(r: SearchResponse): string[] {
  return [r.notice, r.rerank?.notice].filter((n): n is string => n !== undefined);
}

export function toJson(r: SearchResponse) {
  return {
    mode: r.mode,
    results: r.results.map((h: SearchHit) => ({
      citation: h.citation,
      document: h.title,
      path: h.path,
      start: h.start,
      end: h.end,
      text: h.text,
      score: h.score,
      ...(h.rerankScore !== undefined ? { rerank_score: h.rerankScore } : {}),
      also_in: h.alsoIn,
      lang: h.lang,
      ...(h.outlet ? { outlet: h.outlet } : {}),
      ...(h.published ? { published: h.published } : {}),
    })),
    ...(r.rerank ? { rerank: { by: r.rerank.by, applied: r.rerank.applied, candidates: r.rerank.candidates } } : {}),
  };
}

const RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;

/**
 * Terminals lay text out left to right; wrapping right-to-left text in Unicode isolates (RLI…PDI)
 * lets bidi-aware terminals order it correctly without disturbing the Latin fields around it.
 * Only on a terminal: files and pipes get the bytes unchanged.
 */
function isolate(text: string, tty: boolean): string {
  return tty && RTL.test(text) ? `\u2067${text}\u2069` : text;
}

export function formatReadable(r: SearchResponse, tty: boolean): string {
  if (r.results.length === 0) return `no results (${r.mode})\n`;
  const reranked = r.rerank?.applied ? `, first ${r.rerank.candidates} reranked` : '';
  const out: string[] = [`${plural(r.results.length, 'result')} (${r.mode}${reranked})`, ''];
  r.results.forEach((h, i) => {
    const meta = [h.outlet, h.published, h.lang].filter(Boolean).join(' · ');
    out.push(`${i + 1}. [${h.citation}]  score ${h.score}${h.rerankScore !== undefined ? `  rerank ${h.rerankScore}` : ''}  ${meta}`);
    out.push(`   ${isolate(h.title, tty)}`);
    for (const line of h.text.split(/\r?\n/)) out.push(`   ${isolate(line, tty)}`);
    if (h.alsoIn.length > 0) out.push(`   also in: ${h.alsoIn.join(', ')}`);
    out.push('');
  });
  return `${out.join('\n')}\n`;
}
