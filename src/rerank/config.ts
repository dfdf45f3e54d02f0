// Which reranker to use, from flags and the environment (flags win), read and validated the way
// the embedder's settings are (src/embed/config.ts): every problem is listed at once with the
// flag or variable to fix. Reranking is off unless a provider is named.
import { z } from 'zod';
import { httpUrl, intIn, resolveApiKey, Secret, settingsReader } from '../embed/config.ts';
import { defaultCacheDir } from '../embed/hub.ts';
import { isTransformersDtype, TRANSFORMERS_DTYPE_FILES, type TransformersDtype } from '../embed/model-source.ts';
import { createCrossEncoderReranker } from './cross-encoder.ts';
import { createHttpReranker, DEFAULT_RERANK_API_KEY_ENV, RERANK_APIS, type RerankApi } from './http.ts';
import { DEFAULT_RERANK_TIMEOUT_MS, DEFAULT_RERANK_TOP, MAX_RERANK_TOP, RerankStage, type RerankEvent } from './stage.ts';

interface Common {
  /** Fused results reranked per search. */
  top: number;
  timeoutMs: number;
  batchSize?: number;
}

export type RerankerConfig =
  | { provider: 'none' }
  | (Common & {
      provider: 'http';
      baseUrl: string;
      api: RerankApi;
      model?: string;
      apiKey?: Secret;
      /** The variable the key was read from (or would be): for messages only. */
      apiKeyEnv: string;
    })
  | (Common & { provider: 'transformers'; model: string; dtype: TransformersDtype; cacheDir: string });

/** Invalid reranker settings; the message lists every problem with the flag or variable to fix. */
export class RerankerConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid reranking settings:\n  - ${problems.join('\n  - ')}`);
    this.name = 'RerankerConfigError';
  }
}

/** Settings that only mean something with a given provider: [flag, variable, providers]. */
const SPECIFIC: ReadonlyArray<[string, string | undefined, ReadonlyArray<'http' | 'transformers'>]> = [
  ['rerank-url', 'SANAD_RERANK_URL', ['http']],
  ['rerank-api', 'SANAD_RERANK_API', ['http']],
  ['rerank-api-key-env', undefined, ['http']],
  ['rerank-dtype', 'SANAD_RERANK_DTYPE', ['transformers']],
  ['rerank-model', 'SANAD_RERANK_MODEL', ['http', 'transformers']],
  ['rerank-top', 'SANAD_RERANK_TOP', ['http', 'transformers']],
  ['rerank-timeout', 'SANAD_RERANK_TIMEOUT', ['http', 'transformers']],
  ['rerank-batch-size', 'SANAD_RERANK_BATCH_SIZE', ['http', 'transformers']],
];

export function resolveRerankerConfig(flags: Record<string, string | undefined>, env: NodeJS.ProcessEnv): RerankerConfig {
  const { pick, check, problems } = settingsReader(flags, env);
  const providerSetting = pick('rerank-provider', 'SANAD_RERANK_PROVIDER');
  const provider = providerSetting
    ? check(providerSetting, z.enum(['none', 'http', 'transformers']), 'one of none, http, transformers')
    : 'none';

  // A setting that the chosen provider ignores is a mistake to report, never to drop silently.
  for (const [name, envName, providers] of SPECIFIC) {
    const s = pick(name, envName);
    if (!s || provider === undefined) continue;
    if (provider === 'none') {
      problems.push(`${s.from} is set but reranking is off: add --rerank-provider http or transformers (SANAD_RERANK_PROVIDER)`);
    } else if (!providers.includes(provider)) {
      problems.push(`${s.from} applies to --rerank-provider ${providers.join(' or ')}, not ${provider}`);
    }
  }
  if (provider === 'none') {
    if (problems.length > 0) throw new RerankerConfigError(problems);
    return { provider: 'none' };
  }

  const top = check(pick('rerank-top', 'SANAD_RERANK_TOP'), intIn(1, MAX_RERANK_TOP), `a whole number from 1 to ${MAX_RERANK_TOP}`) ?? DEFAULT_RERANK_TOP;
  const timeoutMs =
    check(pick('rerank-timeout', 'SANAD_RERANK_TIMEOUT'), intIn(100, 600_000), 'a time in ms from 100 to 600000') ?? DEFAULT_RERANK_TIMEOUT_MS;
  const batchSize = check(pick('rerank-batch-size', 'SANAD_RERANK_BATCH_SIZE'), intIn(1, 1000), 'a whole number from 1 to 1000');
  const modelSetting = pick('rerank-model', 'SANAD_RERANK_MODEL');
  const common: Common = { top, timeoutMs, ...(batchSize !== undefined ? { batchSize } : {}) };

  if (provider === 'http') {
    const urlSetting = pick('rerank-url', 'SANAD_RERANK_URL');
    if (!urlSetting) problems.push('--rerank-provider http needs --rerank-url / SANAD_RERANK_URL, e.g. http://127.0.0.1:8080 (a TEI or Cohere-compatible server)');
    const baseUrl = check(urlSetting, httpUrl, 'an http(s) URL such as http://127.0.0.1:8080');
    const api = check(pick('rerank-api', 'SANAD_RERANK_API'), z.enum(RERANK_APIS as [RerankApi, ...RerankApi[]]), `one of ${RERANK_APIS.join(', ')}`) ?? 'cohere';
    const { apiKeyEnv, apiKey } = resolveApiKey(pick('rerank-api-key-env'), env, [DEFAULT_RERANK_API_KEY_ENV], problems);
    if (problems.length > 0 || baseUrl === undefined || provider === undefined) throw new RerankerConfigError(problems);
    return {
      provider,
      ...common,
      baseUrl,
      api,
      apiKeyEnv,
      ...(apiKey ? { apiKey } : {}),
      ...(modelSetting ? { model: modelSetting.value.trim() } : {}),
    };
  }

  if (provider === 'transformers' && !modelSetting) {
    problems.push('--rerank-provider transformers needs --rerank-model / SANAD_RERANK_MODEL: a Hub id (e.g. onnx-community/bge-reranker-v2-m3-ONNX) or a local cross-encoder folder');
  }
  const dtype =
    check(pick('rerank-dtype', 'SANAD_RERANK_DTYPE'), z.string().trim().refine(isTransformersDtype), `one of ${Object.keys(TRANSFORMERS_DTYPE_FILES).join(', ')}`) ?? 'q8';
  const cacheDir = pick('cache-dir', 'SANAD_CACHE_DIR');
  if (problems.length > 0 || provider !== 'transformers' || !modelSetting || !isTransformersDtype(dtype)) throw new RerankerConfigError(problems);
  return { provider, ...common, model: modelSetting.value.trim(), dtype, cacheDir: cacheDir ? cacheDir.value : defaultCacheDir(env) };
}

export interface CreateStageOptions {
  /** Retry notices and model loading lines (stderr in the CLI). */
  onLog?: (line: string) => void;
  onEvent?: (event: RerankEvent) => void;
  env?: NodeJS.ProcessEnv;
}

/** The stage a config describes, or null when reranking is off. Nothing is loaded or contacted yet. */
export function createRerankStage(config: RerankerConfig, opts: CreateStageOptions = {}): RerankStage | null {
  if (config.provider === 'none') return null;
  const reranker =
    config.provider === 'http'
      ? createHttpReranker({
          baseUrl: config.baseUrl,
          api: config.api,
          ...(config.model ? { model: config.model } : {}),
          ...(config.apiKey ? { apiKey: config.apiKey.reveal() } : {}),
          apiKeySource: config.apiKeyEnv,
          ...(config.batchSize ? { batchSize: config.batchSize } : {}),
          timeoutMs: config.timeoutMs,
          ...(opts.onLog ? { onLog: opts.onLog } : {}),
        })
      : createCrossEncoderReranker({
          model: config.model,
          dtype: config.dtype,
          ...(config.batchSize ? { batchSize: config.batchSize } : {}),
          cacheDir: config.cacheDir,
          ...(opts.onLog ? { onLog: opts.onLog } : {}),
          ...(opts.env ? { env: opts.env } : {}),
        });
  return new RerankStage(reranker, { top: config.top, timeoutMs: config.timeoutMs, ...(opts.onEvent ? { onEvent: opts.onEvent } : {}) });
}

/** Reads the settings and builds the stage (null when off); invalid settings throw RerankerConfigError. */
export function rerankStageFrom(
  flags: Record<string, string | undefined>,
  env: NodeJS.ProcessEnv,
  opts: Omit<CreateStageOptions, 'env'> = {},
): RerankStage | null {
  return createRerankStage(resolveRerankerConfig(flags, env), { ...opts, env });
}
