// The manifest is the contract between a built index and the code that reads it: format version,
// the embedding space (provider, model, prefixes, dimension), the text normaliser, the corpus files
// it was built from and checksums of every data file. Anything that does not match is refused,
// because a silently mismatched index returns plausible but wrong passages.
import { z } from 'zod';
import { SEGMENTER_VERSION } from '../corpus/segment.ts';
import { NORMALIZER_VERSION } from '../text/normalize.ts';

export const FORMAT_NAME = 'sanad-index';
/** 2: segments (binary postings, passage tables, gram index, HNSW per segment) and deletion marks. */
export const FORMAT_VERSION = 2;
/** The one older format a build still reads, to carry its vectors over into a new index. */
export const LEGACY_FORMAT_VERSION = 1;

export const EmbeddingSpaceSchema = z.object({
  provider: z.string(),
  model: z.string(),
  dtype: z.string().optional(),
  queryPrefix: z.string(),
  passagePrefix: z.string(),
  inputType: z.string().optional(),
  dimension: z.number().int().positive(),
  /** Local model folder the vectors came from (not part of the space's identity). */
  location: z.string().optional(),
  /** OpenAI-compatible endpoint the vectors came from, credentials stripped. */
  baseUrl: z.string().optional(),
});
export type EmbeddingSpace = z.infer<typeof EmbeddingSpaceSchema>;

export const HnswParamsSchema = z.object({
  space: z.literal('cosine'),
  m: z.number().int().positive(),
  efConstruction: z.number().int().positive(),
  efSearch: z.number().int().positive(),
});
export type HnswParams = z.infer<typeof HnswParamsSchema>;

const CorpusFileSchema = z.object({
  path: z.string(),
  sha256: z.string(),
  bytes: z.number().int().nonnegative(),
  /** Modification time seen when the file was read: an unchanged size and time skip re-reading it. */
  mtimeMs: z.number().optional(),
});

/** File names of the index: plain names inside the version folder, never paths. */
const FileNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a plain file name');

export const SegmentSchema = z.object({
  /** Prefix of the segment's files: `<name>.psg`, `.lex`, `.qgm`, `.hsh`, and `.hnsw` with vectors. */
  name: z.string().regex(/^seg-\d{6,}$/),
  documents: z.number().int().nonnegative(),
  passages: z.number().int().nonnegative(),
  /** Passages deleted by later versions (their documents changed or were removed). */
  deleted: z.number().int().nonnegative(),
  /** The file holding the deletion marks, when there are any. */
  deletions: FileNameSchema.optional(),
  vectors: z.boolean(),
});
export type SegmentEntry = z.infer<typeof SegmentSchema>;

const FileCheckSchema = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() });

const LegacyManifestSchema = z.object({
  format: z.literal(FORMAT_NAME),
  formatVersion: z.number().int(),
  createdAt: z.string(),
  normalizerVersion: z.number().int(),
  segmenterVersion: z.number().int(),
  /** Null when the index is lexical-only (no model could be loaded at build time). */
  embedding: EmbeddingSpaceSchema.nullable(),
  /** Why the index is lexical-only, for status reports. */
  semanticUnavailable: z.string().optional(),
  hnsw: HnswParamsSchema.nullable(),
  counts: z.object({ documents: z.number().int(), passages: z.number().int() }),
  files: z.array(CorpusFileSchema),
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
  /** sha256 of each data file in the version directory, checked on load. */
  checksums: z.record(z.string(), z.string()),
  buildMs: z.number().nonnegative(),
});
/** Format 1: one JSON/JSONL file per kind of data, read whole. Only a build reads it now. */
export type LegacyManifest = z.infer<typeof LegacyManifestSchema>;

export const ManifestSchema = LegacyManifestSchema.extend({
  /** Segments in the order their passages were added; counts above are live passages. */
  segments: z.array(SegmentSchema),
  /** Number for the next segment's name, so names never repeat in one index folder. */
  nextSegment: z.number().int().nonnegative(),
  /**
   * Per file of the version folder: sha256 of what loading reads (a whole JSON or HNSW file, or a
   * container's header and eager region: see container.ts) and the file's size.
   */
  checksums: z.record(z.string(), FileCheckSchema),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export class IndexFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndexFormatError';
  }
}

/**
 * An index whose text was folded, tokenised or cut into passages by another version of that code:
 * its tokens no longer match the queries' (a query folded the new way misses words folded the old
 * way), so it is refused rather than served with silently wrong results.
 */
export class IndexVersionError extends IndexFormatError {
  constructor(message: string) {
    super(message);
    this.name = 'IndexVersionError';
  }
}

/** Throws IndexVersionError when the manifest's normaliser or segmenter is not this code's. */
export function checkTextVersions(manifest: Pick<Manifest, 'normalizerVersion' | 'segmenterVersion'>, indexDir: string): void {
  const stale: string[] = [];
  if (manifest.normalizerVersion !== NORMALIZER_VERSION) {
    stale.push(`text normaliser version ${manifest.normalizerVersion} (this sanad uses ${NORMALIZER_VERSION})`);
  }
  if (manifest.segmenterVersion !== SEGMENTER_VERSION) {
    stale.push(`segmenter version ${manifest.segmenterVersion} (this sanad uses ${SEGMENTER_VERSION})`);
  }
  if (stale.length === 0) return;
  throw new IndexVersionError(
    `the index at ${indexDir} was built with ${stale.join(' and ')}; its words would not match queries. ` +
      `Rebuild it with \`sanad index --index ${indexDir}\` (vectors are reused, nothing is embedded again)`,
  );
}

/** Parses manifest JSON; refuses other formats and versions with a message that says to rebuild. */
export function parseManifest(json: unknown, where: string): Manifest {
  return parseAs(json, where, FORMAT_VERSION, ManifestSchema);
}

/** Parses a format-1 manifest (for carrying an old index's vectors over). */
export function parseLegacyManifest(json: unknown, where: string): LegacyManifest {
  return parseAs(json, where, LEGACY_FORMAT_VERSION, LegacyManifestSchema);
}

/** The format version a manifest declares, or null when it is not a sanad manifest. */
export function manifestFormatVersion(json: unknown): number | null {
  const head = z.object({ format: z.literal(FORMAT_NAME), formatVersion: z.number() }).safeParse(json);
  return head.success ? head.data.formatVersion : null;
}

function parseAs<T>(json: unknown, where: string, version: number, schema: z.ZodType<T>): T {
  const head = z.object({ format: z.string(), formatVersion: z.number() }).safeParse(json);
  if (!head.success || head.data.format !== FORMAT_NAME) {
    throw new IndexFormatError(`${where} is not a sanad index manifest; run \`sanad index\` to build one`);
  }
  if (head.data.formatVersion !== version) {
    throw new IndexFormatError(
      `${where} has index format ${head.data.formatVersion}, this sanad reads format ${version}; ` +
        'rebuild it with `sanad index`',
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IndexFormatError(
      `${where} is damaged (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}); rebuild it with \`sanad index\``,
    );
  }
  return parsed.data;
}

/** A readable one-line name of an embedding space for messages. */
export function describeSpace(space: Pick<EmbeddingSpace, 'provider' | 'model' | 'dtype'>): string {
  return `${space.provider}:${space.model}${space.dtype ? ` (${space.dtype})` : ''}`;
}

/**
 * Why vectors from `a` cannot be compared with vectors from `b`, or null when they can.
 * The endpoint URL is not part of the identity: the same model served elsewhere is the same space.
 */
export function spaceMismatch(
  a: Omit<EmbeddingSpace, 'dimension'> & { dimension?: number },
  b: Omit<EmbeddingSpace, 'dimension'> & { dimension?: number },
): string | null {
  const fields = ['provider', 'model', 'dtype', 'queryPrefix', 'passagePrefix', 'inputType'] as const;
  for (const f of fields) {
    if ((a[f] ?? '') !== (b[f] ?? '')) return `${f} ${JSON.stringify(a[f] ?? '')} ≠ ${JSON.stringify(b[f] ?? '')}`;
  }
  if (a.dimension !== undefined && b.dimension !== undefined && a.dimension !== b.dimension) {
    return `dimension ${a.dimension} ≠ ${b.dimension}`;
  }
  return null;
}
