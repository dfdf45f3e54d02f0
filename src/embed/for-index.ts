// Picks the embedder for searching an existing index. By default it is the one the index was
// built with (read from the manifest), so `sanad search` needs no flags; an embedder named
// explicitly must describe the same space, or searching is refused: vectors from two different
// models are not comparable and would return confident nonsense.
import { existsSync } from 'node:fs';
import { describeSpace, spaceMismatch, type EmbeddingSpace } from '../store/manifest.ts';
import { createEmbedder, resolveEmbedderConfig } from './config.ts';
import type { Embedder } from './embedder.ts';

const EXPLICIT_FLAGS = ['provider', 'model', 'dtype', 'embed-url', 'query-prefix', 'passage-prefix', 'input-type'] as const;
const EXPLICIT_ENV = ['SANAD_PROVIDER', 'SANAD_MODEL', 'SANAD_DTYPE', 'SANAD_EMBED_URL', 'SANAD_QUERY_PREFIX', 'SANAD_PASSAGE_PREFIX', 'SANAD_INPUT_TYPE'] as const;

export class EmbedderMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbedderMismatchError';
  }
}

export interface EmbedderChoice {
  flags: Record<string, string | undefined>;
  env: NodeJS.ProcessEnv;
  onLog?: (line: string) => void;
}

/** The embedder for building: whatever the flags and environment say (defaults otherwise). */
export function embedderForBuild(choice: EmbedderChoice): { embedder: Embedder; baseUrl?: string } {
  const config = resolveEmbedderConfig(choice.flags, choice.env);
  const embedder = createEmbedder(config, { env: choice.env, ...(choice.onLog ? { onLog: choice.onLog } : {}) });
  return config.provider === 'openai' ? { embedder, baseUrl: stripCredentials(config.baseUrl) } : { embedder };
}

/**
 * The embedder for searching an index whose vectors live in `space` (null: lexical-only index,
 * no embedder needed). Throws EmbedderMismatchError when an explicit choice disagrees.
 */
export function embedderForSearch(space: EmbeddingSpace | null, choice: EmbedderChoice): Embedder | null {
  if (!space) return null;
  const explicit =
    EXPLICIT_FLAGS.some((f) => choice.flags[f] !== undefined) || EXPLICIT_ENV.some((e) => (choice.env[e] ?? '') !== '');
  const flags: Record<string, string | undefined> = explicit
    ? choice.flags
    : {
        ...choice.flags,
        provider: space.provider,
        // A local folder is found again by its recorded path; a Hub id is its own location.
        model: space.location && existsSync(space.location) ? space.location : space.model,
        dtype: space.dtype,
        'embed-url': space.baseUrl,
        'query-prefix': space.queryPrefix,
        'passage-prefix': space.passagePrefix,
        'input-type': space.inputType,
      };
  const config = resolveEmbedderConfig(flags, choice.env);
  const embedder = createEmbedder(config, { env: choice.env, ...(choice.onLog ? { onLog: choice.onLog } : {}) });
  const why = spaceMismatch(space, embedder.info);
  if (why) {
    throw new EmbedderMismatchError(
      `the index was built with ${describeSpace(space)} but the configured embedder is ${describeSpace(embedder.info)} (${why}); ` +
        'rebuild the index with `sanad index` and the new model settings, or drop the model flags/variables to use the index\'s own model',
    );
  }
  return embedder;
}

function stripCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
