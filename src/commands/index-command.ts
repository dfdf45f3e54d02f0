// `sanad index`: build or incrementally update the index, then print what changed.
import { openCollection } from '../backend/solr/open.ts';
import { buildSolrIndex } from '../backend/solr/writer.ts';
import { embedderForBuild } from '../embed/for-index.ts';
import { unsupportedLine } from '../corpus/read.ts';
import { embedderForSpace } from '../mcp/live-index.ts';
import { buildIndex, LEXICAL_ON_REQUEST, type BuildSummary } from '../indexer/build-index.ts';
import { formatSeconds } from '../util/progress.ts';
import {
  BACKEND_HELP,
  BACKEND_OPTIONS,
  EMBEDDER_HELP,
  EMBEDDER_OPTIONS,
  PATH_HELP,
  embedderFlags,
  PATH_OPTIONS,
  intFlag,
  parseFlags,
  requireCorpus,
  resolveBackend,
  resolvePaths,
} from './cli-args.ts';

const HELP = `usage: sanad index [--corpus DIR] [--index DIR] [--model ID|PATH] [--lexical-only] [--max-mb N] [--json]

Reads .txt, .md and .html files under the corpus folder, splits them into cited paragraphs,
embeds new or changed paragraphs and publishes a new index version atomically. Files that cannot
be read (binary, invalid UTF-8, empty, too large) are skipped with a warning.

${PATH_HELP}
  --lexical-only  build without a model (BM25 only)
  --max-mb N      skip files larger than N MB (SANAD_MAX_MB, default 20)
  --json          print the summary as JSON on stdout

With --backend solr the corpus is indexed into the Solr collection instead (create it first with
\`sanad solr init\`); the collection's own model is used unless model flags are given, and a
different one is refused.

${BACKEND_HELP}

${EMBEDDER_HELP}`;

export const indexCommand = {
  summary: 'build or update the index',
  async run(argv: string[]): Promise<number> {
    const { values } = parseFlags(argv, {
      ...PATH_OPTIONS,
      ...BACKEND_OPTIONS,
      ...EMBEDDER_OPTIONS,
      'lexical-only': { type: 'boolean' },
      'max-mb': { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const paths = resolvePaths(values, process.env);
    requireCorpus(paths.corpusDir);
    const maxMb = intFlag(values['max-mb'] ?? process.env.SANAD_MAX_MB, 'max-mb', 20, 1, 4096);
    const log = (line: string) => console.error(line);
    const backend = resolveBackend(values, process.env);
    const choice = { flags: embedderFlags(values), env: process.env, onLog: log };
    const solr = backend.kind === 'solr' ? await openCollection(backend.solrUrl, backend.collection, log) : null;
    const chosen = values['lexical-only'] ? null : solr ? embedderForSpace(solr.manifest.embedding, choice) : embedderForBuild(choice);
    console.error(`indexing ${paths.corpusDir} → ${solr ? solr.storage.location : paths.indexDir}`);
    try {
      const common = {
        corpusDir: paths.corpusDir,
        embedder: chosen?.embedder ?? null,
        ...(chosen?.baseUrl ? { baseUrl: chosen.baseUrl } : {}),
        maxBytes: maxMb * 1024 * 1024,
        log,
        progress: true,
      };
      const summary = solr
        ? await buildSolrIndex({ ...common, client: solr.client, collection: solr.collection })
        : await buildIndex({ ...common, indexDir: paths.indexDir });
      if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else console.error(formatSummary(summary));
      return 0;
    } finally {
      await chosen?.embedder?.close?.();
    }
  },
};

export function formatSummary(s: BuildSummary): string {
  const files = `files: ${s.added.length} added, ${s.changed.length} changed, ${s.removed.length} removed, ${s.unchanged} unchanged, ${s.skipped.length} skipped`;
  const head = s.rebuilt ? `index ${s.version} published` : `index ${s.version} is up to date`;
  const lines = [
    `${head} (${s.mode === 'hybrid' ? 'hybrid: lexical + semantic' : s.semanticUnavailable === LEXICAL_ON_REQUEST ? 'lexical-only, on request' : 'lexical-only: no embedding model, see above'})`,
    files,
    `passages: ${s.passages} in ${s.documents} documents; ${s.embedded} embedded, ${s.reused} reused`,
    `time: ${formatSeconds(s.ms / 1000)}`,
  ];
  for (const skip of s.skipped) lines.push(`skipped: ${skip.reason}`);
  const unsupported = unsupportedLine(s.unsupported);
  if (unsupported) lines.push(unsupported);
  return lines.join('\n');
}
