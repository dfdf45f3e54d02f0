// Which embedder to build, from command-line flags and the environment (flags win), validated
// up front so a typo fails with a message instead of an odd ranking later.

import { inspect } from 'node:util';
import { z } from 'zod';
import type { Embedder, EmbedderInfo } from './embedder.ts';
import { defaultCacheDir } from './hub.ts';
import { createFakeEmbedder } from './fake.ts';
import { createOpenAIEmbedder, redact } from './openai.ts';
import type { Profile } from './profiles.ts';
import { createTransformersEmbedder, isTransformersDtype, TRANSFORMERS_DTYPE_FILES, type TransformersDtype } from './transformers.ts';

export const DEFAULT_PROVIDER = 'transformers';
export const DEFAULT_MODEL = 'Xenova/multilingual-e5-small';
export const DEFAULT_API_KEY_ENV = 'SANAD_API_KEY';

/** A value that must not be printed: logs, JSON and util.inspect all show `[redacted]`. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}

export type EmbedderConfig =
  | {
      provider: 'transformers';
      model: string;
      dtype: TransformersDtype;
      batchSize?: number;
      cacheDir?: string;
      profile: Partial<Profile>;
    }
  | {
      provider: 'openai';
      baseUrl: string;
      model: string;
      apiKey?: Secret;
      /** The variable the key was read from (or would be): for messages only. */
      apiKeyEnv: string;
      batchSize?: number;
      timeoutMs?: number;
      inputType?: { query: string; passage: string };
      profile: Partial<Profile>;
    }
  | { provider: 'fake'; dimension: number };

/** Invalid embedder settings; the message lists every problem with the flag or variable to fix. */
export class EmbedderConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid embedding settings:\n  - ${problems.join('\n  - ')}`);
    this.name = 'EmbedderConfigError';
  }
}

export interface Setting {
  value: string;
  /** `--flag` or `ENV_VAR`, whichever supplied the value. */
  from: string;
}

const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Reads settings from flags (keyed by long name without dashes, as node's parseArgs returns them;
 * a leading `--` is tolerated) and the environment, flags first. An empty variable counts as
 * unset; an empty flag too, unless `keepEmpty` (an empty prefix flag means "no prefix"). `check`
 * validates with a schema and collects one problem per bad value, naming where it came from.
 */
export function settingsReader(flags: Record<string, string | undefined>, env: NodeJS.ProcessEnv) {
  const flag = (name: string): string | undefined => flags[name] ?? flags[`--${name}`];
  const pick = (name: string, envName?: string, keepEmpty = false): Setting | undefined => {
    const f = flag(name);
    if (f !== undefined && (keepEmpty || f.trim() !== '')) return { value: f, from: `--${name}` };
    const e = envName === undefined ? undefined : env[envName];
    if (e !== undefined && e !== '') return { value: e, from: envName ?? '' };
    return undefined;
  };
  const problems: string[] = [];
  const check = <T>(s: Setting | undefined, schema: z.ZodType<T>, what: string): T | undefined => {
    if (!s) return undefined;
    const r = schema.safeParse(s.value);
    if (r.success) return r.data;
    problems.push(`${s.from} must be ${what} (got ${JSON.stringify(redact(s.value))})`);
    return undefined;
  };
  return { pick, check, problems };
}

/**
 * The API key: from the variable a `keyEnvFlag` flag names, else from the first of `fallbacks`
 * that is set. Returns the variable's name too (for messages: the value is never shown). A flag
 * value that is not a variable name, or names an unset one, is a problem.
 */
export function resolveApiKey(
  keyEnvSetting: Setting | undefined,
  env: NodeJS.ProcessEnv,
  fallbacks: readonly string[],
  problems: string[],
): { apiKeyEnv: string; apiKey?: Secret } {
  const defaultName = fallbacks[0] ?? DEFAULT_API_KEY_ENV;
  if (keyEnvSetting) {
    const name = keyEnvSetting.value.trim();
    if (!ENV_VAR_NAME.test(name)) {
      problems.push(`${keyEnvSetting.from} must be the NAME of an environment variable (like ${defaultName}), not a key`);
      return { apiKeyEnv: defaultName };
    }
    if (!env[name]) {
      // A name that is not in the usual UPPER_CASE may be a pasted key: do not echo it.
      const shown = /^[A-Z][A-Z0-9_]*$/.test(name) ? name : 'a variable';
      problems.push(`${keyEnvSetting.from} names ${shown}, but ${shown === name ? name : 'it'} is not set`);
      return { apiKeyEnv: defaultName };
    }
    return { apiKeyEnv: name, apiKey: new Secret(env[name] ?? '') };
  }
  for (const name of fallbacks) {
    const value = env[name];
    if (value) return { apiKeyEnv: name, apiKey: new Secret(value) };
  }
  return { apiKeyEnv: defaultName };
}

/**
 * Reads the embedder settings (see `settingsReader` for flags and variables). An empty prefix
 * *flag* (`--query-prefix ''`) means "no prefix" and overrides the model's profile.
 */
export function resolveEmbedderConfig(flags: Record<string, string | undefined>, env: NodeJS.ProcessEnv): EmbedderConfig {
  const { pick, check, problems } = settingsReader(flags, env);

  const providerSetting = pick('provider', 'SANAD_PROVIDER');
  const provider =
    check(providerSetting, z.enum(['transformers', 'openai', 'fake']), 'one of transformers, openai, fake') ??
    (providerSetting ? undefined : DEFAULT_PROVIDER);
  const modelSetting = pick('model', 'SANAD_MODEL');
  const batchSize = check(pick('batch-size', 'SANAD_BATCH_SIZE'), intIn(1, 4096), 'a whole number from 1 to 4096');
  const profile: Partial<Profile> = {};
  const qp = pick('query-prefix', 'SANAD_QUERY_PREFIX', true);
  const pp = pick('passage-prefix', 'SANAD_PASSAGE_PREFIX', true);
  if (qp) profile.queryPrefix = qp.value;
  if (pp) profile.passagePrefix = pp.value;

  if (provider === 'fake') {
    const dimension = check(pick('dimension', 'SANAD_FAKE_DIMENSION'), intIn(2, 4096), 'a whole number from 2 to 4096') ?? 64;
    if (problems.length > 0) throw new EmbedderConfigError(problems);
    return { provider, dimension };
  }

  if (provider === 'openai') {
    const urlSetting = pick('embed-url', 'SANAD_EMBED_URL');
    if (!urlSetting) problems.push('provider openai needs --embed-url / SANAD_EMBED_URL, e.g. http://127.0.0.1:11434/v1 for Ollama');
    const baseUrl = check(urlSetting, httpUrl, 'an http(s) URL such as http://127.0.0.1:11434/v1');
    if (!modelSetting) {
      problems.push('provider openai needs --model / SANAD_MODEL naming the model on the server (e.g. nomic-embed-text)');
    }
    const timeoutMs = check(pick('embed-timeout', 'SANAD_EMBED_TIMEOUT'), intIn(100, 3_600_000), 'a time in ms from 100 to 3600000');
    const inputType = check(
      pick('input-type', 'SANAD_INPUT_TYPE'),
      z
        .string()
        .trim()
        .regex(/^[\w-]+:[\w-]+$/)
        .transform((s) => {
          const [query = '', passage = ''] = s.split(':');
          return { query, passage };
        }),
      'two values QUERY:PASSAGE, e.g. query:passage',
    );
    const { apiKeyEnv, apiKey } = resolveApiKey(pick('api-key-env'), env, [DEFAULT_API_KEY_ENV, 'OPENAI_API_KEY'], problems);
    if (problems.length > 0 || baseUrl === undefined || modelSetting === undefined) throw new EmbedderConfigError(problems);
    const config: EmbedderConfig = { provider, baseUrl, model: modelSetting.value.trim(), apiKeyEnv, profile };
    if (apiKey) config.apiKey = apiKey;
    if (batchSize !== undefined) config.batchSize = batchSize;
    if (timeoutMs !== undefined) config.timeoutMs = timeoutMs;
    if (inputType !== undefined) config.inputType = inputType;
    return config;
  }

  const dtype =
    check(
      pick('dtype', 'SANAD_DTYPE'),
      z.string().trim().refine(isTransformersDtype),
      `one of ${Object.keys(TRANSFORMERS_DTYPE_FILES).join(', ')}`,
    ) ?? 'q8';
  const cacheDir = pick('cache-dir', 'SANAD_CACHE_DIR');
  if (problems.length > 0 || provider === undefined || !isTransformersDtype(dtype)) throw new EmbedderConfigError(problems);
  const config: EmbedderConfig = { provider, model: modelSetting?.value.trim() ?? DEFAULT_MODEL, dtype, profile };
  if (batchSize !== undefined) config.batchSize = batchSize;
  // Downloads live in the user's cache folder (never node_modules, which `npm ci` wipes), so the
  // model is fetched once per machine.
  config.cacheDir = cacheDir ? cacheDir.value : defaultCacheDir(env);
  return config;
}

export interface CreateEmbedderOptions {
  /** Where warnings and load progress go; stderr is the caller's choice, never stdout. */
  onLog?: (line: string) => void;
  /** Environment for offline switches (HF_HUB_OFFLINE, SANAD_OFFLINE); process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/** Builds the provider a config describes. Nothing is loaded or contacted until first use. */
export function createEmbedder(config: EmbedderConfig, opts: CreateEmbedderOptions = {}): Embedder {
  switch (config.provider) {
    case 'fake':
      return createFakeEmbedder({ dimension: config.dimension });
    case 'openai':
      return createOpenAIEmbedder({
        baseUrl: config.baseUrl,
        model: config.model,
        apiKey: config.apiKey?.reveal(),
        apiKeySource: config.apiKeyEnv,
        batchSize: config.batchSize,
        timeoutMs: config.timeoutMs,
        ...(config.inputType ? { inputType: config.inputType } : {}),
        profile: config.profile,
        onLog: opts.onLog,
      });
    case 'transformers':
      return createTransformersEmbedder({
        model: config.model,
        dtype: config.dtype,
        batchSize: config.batchSize,
        cacheDir: config.cacheDir,
        profile: config.profile,
        onLog: opts.onLog,
        env: opts.env,
      });
  }
}

/** One line for logs: `transformers Xenova/multilingual-e5-small (q8); prefixes query "query: ", passage "passage: "`. */
export function describeEmbedder(info: EmbedderInfo): string {
  const dtype = info.dtype ? ` (${info.dtype})` : '';
  const prefixes =
    info.queryPrefix === '' && info.passagePrefix === ''
      ? 'no prefixes'
      : `prefixes query ${JSON.stringify(info.queryPrefix)}, passage ${JSON.stringify(info.passagePrefix)}`;
  return `${info.provider} ${info.model}${dtype}; ${prefixes}`;
}

export function intIn(min: number, max: number): z.ZodType<number> {
  return z
    .string()
    .trim()
    .regex(/^\d+$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

export const httpUrl: z.ZodType<string> = z
  .string()
  .trim()
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  });
