// Opens the pool an evaluation searches: a temporary index built from a passage set (JSON lines
// or a folder of one file per passage) with the configured model, or an existing index as is.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Embedder } from '../embed/embedder.ts';
import { embedderForBuild, embedderForSearch, type EmbedderChoice } from '../embed/for-index.ts';
import { buildIndex } from '../indexer/build-index.ts';
import type { RerankStage } from '../rerank/stage.ts';
import { Searcher } from '../search/searcher.ts';
import { embeddedSnapshot } from '../backend/embedded/open.ts';
import { loadIndex, readAll } from '../store/index-store.ts';
import { describeSpace } from '../store/manifest.ts';
import { EvalPool, passageDirMap, writePassageCorpus, type PassageSetMap } from './pool.ts';
import { readPassageSets } from './query-set.ts';
import type { PoolSummary } from './report.ts';

export type PoolSource =
  /** One or more passages.jsonl files, read as one pool (ids must be unique across them). */
  | { kind: 'passages'; files: string[] }
  | { kind: 'passages-dir'; dir: string }
  /** An article folder indexed on the fly; gold ids are citation or document ids, as over an index. */
  | { kind: 'corpus'; dir: string }
  | { kind: 'index'; dir: string };

export interface PoolOptions extends EmbedderChoice {
  /** Build the temporary index without a model (lexical only). */
  lexicalOnly?: boolean;
  /** Write each passage's title as a title line above its text (passages.jsonl only). */
  titles?: boolean;
  /** Keep the built index in this folder instead of a temporary one (reused on the next run). */
  keepIndex?: string;
  progress?: boolean;
  /** Reorders the first fused results of every search (the stage being measured). */
  reranker?: RerankStage | null;
}

export interface OpenedPool {
  searcher: Searcher;
  pool: EvalPool;
  summary: PoolSummary;
  embedder: string | null;
  close(): Promise<void>;
}

export async function openPool(source: PoolSource, opts: PoolOptions): Promise<OpenedPool> {
  if (source.kind === 'index') {
    // The pool needs every passage in memory to resolve gold ids: eval reads the index folder itself.
    const index = await loadIndex(source.dir);
    if (index.fallbackReason) opts.onLog?.(`warning: ${index.fallbackReason}`);
    const snapshot = embeddedSnapshot(index);
    const searcher = new Searcher(snapshot, embedderForSearch(index.manifest.embedding, opts), { reranker: opts.reranker ?? null });
    const { documents, passages } = readAll(index);
    const { manifest } = index;
    return {
      searcher,
      pool: new EvalPool({ documents, passages }),
      summary: { source: `index ${source.dir}`, kind: 'index', documents: documents.length, passages: passages.length },
      embedder: manifest.embedding && searcher.semanticAvailable ? describeSpace(manifest.embedding) : null,
      close: async () => snapshot.retire(),
    };
  }

  const scratch = await mkdtemp(path.join(tmpdir(), 'sanad-eval-'));
  let embedder: Embedder | null = null;
  try {
    let corpusDir: string;
    let written: (PassageSetMap & { sourceLength: Map<string, number> }) | null = null;
    if (source.kind === 'passages') {
      corpusDir = path.join(scratch, 'corpus');
      written = await writePassageCorpus(await readPassageSets(source.files), corpusDir, { titles: opts.titles ?? false });
    } else {
      corpusDir = source.dir;
    }
    const indexDir = opts.keepIndex ?? path.join(scratch, 'index');
    const chosen = opts.lexicalOnly ? null : embedderForBuild(opts);
    embedder = chosen?.embedder ?? null;
    await buildIndex({
      corpusDir,
      indexDir,
      embedder,
      ...(chosen?.baseUrl ? { baseUrl: chosen.baseUrl } : {}),
      ...(opts.onLog ? { log: opts.onLog } : {}),
      progress: opts.progress ?? false,
    });
    const index = await loadIndex(indexDir);
    const snapshot = embeddedSnapshot(index);
    const contents = readAll(index);
    const semantic = snapshot.info().hasVectors;
    const built = embedder;
    const counts = { documents: contents.documents.length, passages: contents.passages.length };
    let pool: EvalPool;
    let summary: PoolSummary;
    if (source.kind === 'corpus') {
      pool = new EvalPool(contents);
      summary = { source: `corpus ${source.dir}`, kind: 'index', ...counts };
    } else {
      pool = new EvalPool(contents, written ?? passageDirMap(contents.documents));
      const sourceLength = written?.sourceLength ?? (await readLengths(corpusDir, contents.documents));
      const name = source.kind === 'passages' ? source.files.join(' + ') : `folder ${source.dir}`;
      summary = { source: name, kind: 'passage-set', ...counts, coverage: pool.coverage(sourceLength) };
    }
    return {
      searcher: new Searcher(snapshot, semantic ? built : null, { reranker: opts.reranker ?? null }),
      pool,
      summary,
      embedder: semantic && index.manifest.embedding ? describeSpace(index.manifest.embedding) : null,
      close: async () => {
        snapshot.retire();
        await built?.close?.();
        await rm(scratch, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await embedder?.close?.();
    await rm(scratch, { recursive: true, force: true });
    throw err;
  }
}

/** Decoded text length of each document's file (BOM excluded), for the coverage check. */
async function readLengths(corpusDir: string, documents: ReadonlyArray<{ id: string; path: string }>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const d of documents) {
    const text = await readFile(path.join(corpusDir, d.path), 'utf8');
    out.set(d.id, text.replace(/^\uFEFF/, '').trimEnd().length);
  }
  return out;
}
