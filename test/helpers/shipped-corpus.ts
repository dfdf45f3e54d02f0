// The shipped corpus (corpus/) indexed without a model into a temp folder, as an eval pool and a
// keyword-only searcher: what the checks of the question sets under eval/ run against.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { embeddedSnapshot } from '../../src/backend/embedded/open.ts';
import { EvalPool } from '../../src/eval/pool.ts';
import { buildIndex } from '../../src/indexer/build-index.ts';
import { Searcher } from '../../src/search/searcher.ts';
import { loadIndex, readAll } from '../../src/store/index-store.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function withShippedCorpus<T>(fn: (pool: EvalPool, searcher: Searcher) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sanad-eval-shipped-'));
  try {
    await buildIndex({ corpusDir: path.join(REPO_ROOT, 'corpus'), indexDir: dir, embedder: null });
    const index = await loadIndex(dir);
    return await fn(new EvalPool(readAll(index)), new Searcher(embeddedSnapshot(index), null));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
