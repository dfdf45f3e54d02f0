// The manifest of a Solr collection: the same facts as the embedded index's manifest (embedding
// space, normaliser and segmenter versions, corpus files by hash, counts) minus the file checksums,
// kept as one record (`id` sanad:manifest) inside the collection it describes. It is written in
// the same commit as the passages it describes, so readers never see one without the other.
import { z } from 'zod';
import { SEGMENTER_VERSION } from '../../corpus/segment.ts';
import { ManifestSchema, type EmbeddingSpace } from '../../store/manifest.ts';
import { NORMALIZER_VERSION } from '../../text/normalize.ts';
import { SolrError, type SolrClient } from './client.ts';

export const SOLR_FORMAT = 'sanad-solr';
export const SOLR_FORMAT_VERSION = 1;
export const MANIFEST_ID = 'sanad:manifest';

export const SolrManifestSchema = ManifestSchema.pick({
  createdAt: true,
  normalizerVersion: true,
  segmenterVersion: true,
  embedding: true,
  semanticUnavailable: true,
  hnsw: true,
  counts: true,
  files: true,
  skipped: true,
  buildMs: true,
}).extend({
  format: z.literal(SOLR_FORMAT),
  formatVersion: z.number().int(),
  /** Changes with every published reindex; snapshots and caches are keyed by it. */
  version: z.string(),
});
export type SolrManifest = z.infer<typeof SolrManifestSchema>;

export class SolrFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SolrFormatError';
  }
}

/** The manifest of a collection that has just been created: the space, nothing indexed yet. */
export function emptyManifest(space: EmbeddingSpace | null): SolrManifest {
  const now = new Date().toISOString();
  return {
    format: SOLR_FORMAT,
    formatVersion: SOLR_FORMAT_VERSION,
    version: versionName(now),
    createdAt: now,
    normalizerVersion: NORMALIZER_VERSION,
    segmenterVersion: SEGMENTER_VERSION,
    embedding: space,
    hnsw: space ? { space: 'cosine', m: 16, efConstruction: 200, efSearch: 100 } : null,
    counts: { documents: 0, passages: 0 },
    files: [],
    skipped: [],
    buildMs: 0,
  };
}

/** A version name that sorts by time, like the embedded index's version folders. */
export function versionName(iso: string): string {
  return `s-${iso.replace(/[-:.]/gu, '').replace('T', '-').replace('Z', '')}`;
}

/** The committed manifest of `collection`, or null when it has none (not a sanad collection). */
export async function readManifest(client: SolrClient, collection: string): Promise<SolrManifest | null> {
  const res = await client
    .request<{ response?: { docs?: Array<{ manifest?: string }> } }>(`${collection}/select`, {
      params: { q: `{!term f=id}${MANIFEST_ID}`, fl: 'manifest', rows: 1 },
    })
    .catch((err: unknown) => {
      if (err instanceof SolrError && err.status === 404) {
        throw new SolrFormatError(`collection "${collection}" does not exist on ${client.describe()}; create it with \`sanad solr init --collection ${collection}\``);
      }
      throw err;
    });
  const raw = res.response?.docs?.[0]?.manifest;
  if (raw === undefined) return null;
  return parseSolrManifest(raw, collection);
}

export function parseSolrManifest(raw: string, collection: string): SolrManifest {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new SolrFormatError(`the manifest of collection "${collection}" is not JSON; recreate the collection`);
  }
  const head = z.object({ format: z.string(), formatVersion: z.number() }).safeParse(json);
  if (!head.success || head.data.format !== SOLR_FORMAT) {
    throw new SolrFormatError(`collection "${collection}" is not a sanad collection (its manifest record has another format)`);
  }
  if (head.data.formatVersion !== SOLR_FORMAT_VERSION) {
    throw new SolrFormatError(
      `collection "${collection}" has sanad Solr format ${head.data.formatVersion}; this sanad reads format ${SOLR_FORMAT_VERSION}. ` +
        'Create a new collection with `sanad solr init` and index into it',
    );
  }
  const parsed = SolrManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SolrFormatError(`the manifest of collection "${collection}" is damaged (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'})`);
  }
  return parsed.data;
}

/**
 * Adds the manifest record; visible with the next commit (`commit` true commits now). Its version
 * is also written alone, in the record's `hash` field, so servers can poll for a new version
 * without reading the whole manifest (whose file list grows with the corpus).
 */
export async function writeManifest(client: SolrClient, collection: string, manifest: SolrManifest, commit = true): Promise<void> {
  await client.request(`${collection}/update`, {
    params: commit ? { commit: true } : {},
    json: [{ id: MANIFEST_ID, type: 'manifest', hash: manifest.version, manifest: JSON.stringify(manifest) }],
  });
}

/**
 * The version the collection's committed manifest names (null: no manifest), for polling: one
 * small stored field. A manifest written before the version had its own field is read whole.
 */
export async function publishedVersion(client: SolrClient, collection: string): Promise<string | null> {
  const res = await client.request<{ response?: { docs?: Array<{ hash?: string }> } }>(`${collection}/select`, {
    params: { q: `{!term f=id}${MANIFEST_ID}`, fl: 'hash', rows: 1 },
  });
  const docs = res.response?.docs ?? [];
  if (docs.length === 0) return null;
  return docs[0]?.hash ?? (await readManifest(client, collection))?.version ?? null;
}
