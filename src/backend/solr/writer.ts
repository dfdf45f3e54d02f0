// Incremental indexing into a Solr collection, by file hash as for the embedded index: files
// added, changed or removed since the collection's manifest are applied as "delete everything of
// the document, add its passages", vectors are reused by passage-text hash (from the passages
// being replaced and from any other passage with the same text), and the manifest and vector
// statistics are written last, in the same commit. Until that commit searches see the previous
// version; a build that dies midway is redone whole by the next one (its diff is still against
// the committed manifest), so repeating a build is always safe.
import { ingestCorpus } from '../../corpus/ingest.ts';
import { SEGMENTER_VERSION } from '../../corpus/segment.ts';
import type { Embedder } from '../../embed/embedder.ts';
import { diffFiles, type BuildProgress, type BuildSummary } from '../../indexer/build-index.ts';
import { probeSpace } from '../../indexer/embed-new.ts';
import { embedInSlices } from '../../indexer/embed-slices.ts';
import { hashText } from '../../store/hash-file.ts';
import { NORMALIZER_VERSION } from '../../text/normalize.ts';
import type { DocumentMeta, Lang, StoredPassage } from '../../types.ts';
import { createProgress } from '../../util/progress.ts';
import { assertSameSpace, CollectionMismatchError } from './admin.ts';
import type { SolrClient } from './client.ts';
import { readManifest, versionName, writeManifest, type SolrManifest } from './manifest-record.ts';
import { documentRecord, passageRecord, termQuery, termsQuery } from './records.ts';
import { acquireCollectionLock } from './writer-lock.ts';

export interface SolrBuildOptions {
  client: SolrClient;
  collection: string;
  corpusDir: string;
  embedder: Embedder | null;
  baseUrl?: string;
  maxBytes?: number;
  log?: (line: string) => void;
  progress?: boolean;
  /** Passage records per update request. */
  batchSize?: number;
  /** Stages and counts, as the embedded build reports them. */
  onProgress?: (p: BuildProgress) => void;
  /**
   * Vectors already computed elsewhere, by passage-text hash (an embedded index of the same
   * corpus and model): moving to Solr, or comparing the two, then embeds nothing twice.
   */
  reuseVectors?: ReadonlyMap<string, Float32Array>;
}

const DEFAULT_BATCH = 500;
const LOOKUP_BATCH = 500;

export async function buildSolrIndex(opts: SolrBuildOptions): Promise<BuildSummary> {
  const started = performance.now();
  const log = opts.log ?? (() => {});
  const { client, collection } = opts;
  const lock = await acquireCollectionLock(client, collection);
  try {
    const previous = await readManifest(client, collection);
    if (!previous) {
      throw new CollectionMismatchError(
        `collection "${collection}" has no sanad manifest; create it with \`sanad solr init --collection ${collection}\` first`,
      );
    }
    refuseOtherVersions(collection, previous);
    const probed = await probeSpace({ embedder: opts.embedder, ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}) }, null, log);
    if (previous.embedding && !probed.space) {
      throw new CollectionMismatchError(
        `collection "${collection}" holds vectors of ${previous.embedding.model}, but no embedding model could be loaded (${probed.unavailable ?? 'none given'}); ` +
          'every passage of a Solr collection needs its vector. Fix the model and run the reindex again',
      );
    }
    assertSameSpace(collection, previous, probed.space);
    const space = previous.embedding ? probed.space : null;

    const report = opts.onProgress ?? (() => {});
    const { documents, skipped, unsupported } = await ingestCorpus(opts.corpusDir, {
      ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}),
      onProgress: (done, total) => report({ stage: 'reading', done, total }),
      onWarn: (s) => log(`skipped: ${s.reason}`),
    });
    const diff = diffFiles(previous.files, documents.map((d) => d.meta));
    const passageCount = documents.reduce((n, d) => n + d.passages.length, 0);
    const base = {
      ...diff,
      skipped,
      unsupported,
      documents: documents.length,
      passages: passageCount,
      mode: space ? ('hybrid' as const) : ('lexical' as const),
      ...(probed.unavailable && !space ? { semanticUnavailable: probed.unavailable } : {}),
    };
    const sameSkips = JSON.stringify(previous.skipped) === JSON.stringify(skipped);
    if (diff.added.length + diff.changed.length + diff.removed.length === 0 && sameSkips) {
      return { ...base, version: previous.version, rebuilt: false, embedded: 0, reused: passageCount, ms: performance.now() - started };
    }

    const replaced = [...diff.changed, ...diff.removed];
    // A set, not Array.includes per document: a first build of an archive adds every file.
    const toWrite = new Set([...diff.added, ...diff.changed]);
    const incoming = documents.filter((d) => toWrite.has(d.meta.id));
    const withHashes = incoming.map((d) => ({ ...d, passages: d.passages.map((p) => ({ ...p, hash: hashText(p.text) })) }));

    // Vectors: of the passages about to be replaced (for reuse),
    // then of any other passage sharing a new passage's text.
    const old = space ? await vectorsOfDocuments(client, collection, replaced) : [];
    const byHash = new Map<string, Float32Array>([...(space ? (opts.reuseVectors ?? []) : []), ...old.map((o) => [o.hash, o.vector] as const)]);
    let embedded = 0;
    let reused = 0;
    if (space && opts.embedder) {
      const wanted = [...new Set(withHashes.flatMap((d) => d.passages.map((p) => p.hash)))].filter((h) => !byHash.has(h));
      for (const found of await vectorsByHash(client, collection, wanted)) byHash.set(found.hash, found.vector);
      const missing = new Map<string, string>();
      for (const d of withHashes) for (const p of d.passages) if (!byHash.has(p.hash)) missing.set(p.hash, p.text);
      if (missing.size > 0) {
        const progress = opts.progress ? createProgress('passages embedded', missing.size) : null;
        report({ stage: 'embedding', done: 0, total: missing.size });
        const vectors = await embedInSlices(opts.embedder, [...missing.values()], (p) => {
          progress?.update(p.done);
          report({ stage: 'embedding', done: p.done, total: missing.size });
        });
        progress?.finish();
        [...missing.keys()].forEach((hash, i) => {
          const v = vectors[i];
          if (!v) throw new Error(`the embedder returned ${vectors.length} vectors for ${missing.size} passages`);
          byHash.set(hash, v);
        });
      }
      embedded = missing.size;
      // As the embedded index counts it: every passage whose vector was not computed now.
      reused = passageCount - embedded;
    }

    report({ stage: 'indexing', done: 0, total: 1 });
    if (replaced.length > 0) {
      for (const ids of chunks(replaced, LOOKUP_BATCH)) {
        await client.request(`${collection}/update`, { json: { delete: { query: termsQuery('doc_id', ids) } } });
      }
    }
    await addDocuments(opts, withHashes, space ? byHash : null);

    const manifest: SolrManifest = {
      ...previous,
      version: versionName(new Date().toISOString()),
      createdAt: new Date().toISOString(),
      embedding: space,
      counts: { documents: documents.length, passages: passageCount },
      files: documents.map((d) => ({ path: d.meta.path, sha256: d.meta.sha256, bytes: d.meta.bytes })),
      skipped,
      buildMs: Math.round(performance.now() - started),
    };
    report({ stage: 'publishing', done: 0, total: 1 });
    await writeManifest(client, collection, manifest, false);
    await client.request(`${collection}/update`, { params: { commit: true, waitSearcher: true }, json: {}, timeoutMs: 120_000 });
    return { ...base, version: manifest.version, rebuilt: true, embedded, reused, ms: performance.now() - started };
  } finally {
    await lock.release().catch((err: unknown) => log(`could not release the writer lock of "${collection}": ${err instanceof Error ? err.message : String(err)}`));
  }
}

function refuseOtherVersions(collection: string, m: SolrManifest): void {
  if (m.normalizerVersion !== NORMALIZER_VERSION || m.segmenterVersion !== SEGMENTER_VERSION) {
    throw new CollectionMismatchError(
      `collection "${collection}" was built with text normaliser ${m.normalizerVersion} and segmenter ${m.segmenterVersion}; ` +
        `this sanad uses ${NORMALIZER_VERSION} and ${SEGMENTER_VERSION}, so its tokens and citation ids would not match. ` +
        'Create a new collection with `sanad solr init --collection NEW` and index into it',
    );
  }
}

async function addDocuments(
  opts: SolrBuildOptions,
  docs: ReadonlyArray<{ meta: DocumentMeta; passages: StoredPassage[] }>,
  vectors: Map<string, Float32Array> | null,
): Promise<void> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  let batch: Array<Record<string, unknown>> = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const records = batch;
    batch = [];
    await opts.client.request(`${opts.collection}/update`, { json: records, timeoutMs: 120_000 });
  };
  for (const d of docs) {
    batch.push(documentRecord(d.meta, d.passages));
    for (const [pos, p] of d.passages.entries()) {
      batch.push(passageRecord(p, pos, d.meta, vectors ? vectorOf(vectors, p.hash) : null));
      if (batch.length >= batchSize) await flush();
    }
  }
  await flush();
}

function vectorOf(vectors: Map<string, Float32Array>, hash: string): Float32Array {
  const v = vectors.get(hash);
  if (!v) throw new Error(`no vector for passage text ${hash.slice(0, 12)}…`);
  return v;
}

interface OldVector {
  hash: string;
  lang: Lang;
  vector: Float32Array;
}

/** Hash, language and vector of every committed passage of these documents. */
async function vectorsOfDocuments(client: SolrClient, collection: string, docIds: readonly string[]): Promise<OldVector[]> {
  const out: OldVector[] = [];
  for (const ids of chunks(docIds, LOOKUP_BATCH)) {
    let cursor = '*';
    for (;;) {
      const res = await client.request<{ response?: { docs?: Array<{ hash: string; lang: Lang; vector?: number[] }> }; nextCursorMark?: string }>(
        `${collection}/select`,
        { params: { q: termsQuery('doc_id', ids), fq: termQuery('type', 'passage'), fl: 'hash,lang,vector', sort: 'id asc', rows: 1000, cursorMark: cursor } },
      );
      for (const d of res.response?.docs ?? []) if (d.vector) out.push({ hash: d.hash, lang: d.lang, vector: Float32Array.from(d.vector) });
      if (!res.nextCursorMark || res.nextCursorMark === cursor) break;
      cursor = res.nextCursorMark;
    }
  }
  return out;
}

/** One vector per hash found among committed passages (texts repeat, so each hash once). */
async function vectorsByHash(client: SolrClient, collection: string, hashes: readonly string[]): Promise<Array<{ hash: string; vector: Float32Array }>> {
  const found = new Map<string, Float32Array>();
  for (const part of chunks(hashes, LOOKUP_BATCH)) {
    let cursor = '*';
    for (;;) {
      const res = await client.request<{ response?: { docs?: Array<{ hash: string; vector?: number[] }> }; nextCursorMark?: string }>(`${collection}/select`, {
        params: { q: termsQuery('hash', part), fq: termQuery('type', 'passage'), fl: 'hash,vector', sort: 'id asc', rows: 1000, cursorMark: cursor },
      });
      for (const d of res.response?.docs ?? []) if (d.vector && !found.has(d.hash)) found.set(d.hash, Float32Array.from(d.vector));
      if (!res.nextCursorMark || res.nextCursorMark === cursor) break;
      cursor = res.nextCursorMark;
    }
  }
  return [...found].map(([hash, vector]) => ({ hash, vector }));
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
