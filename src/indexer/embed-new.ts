// The embedding step of a build: which space the vectors live in (loading the model only when it
// is needed), and vectors for the passages being written, reused by text hash wherever the
// previous version has them.
import { EmbedderUnavailableError, type Embedder } from '../embed/embedder.ts';
import { spaceMismatch, type EmbeddingSpace } from '../store/manifest.ts';
import type { StoredPassage } from '../types.ts';
import { createProgress } from '../util/progress.ts';
import { embedInSlices } from './embed-slices.ts';
import type { PreviousFacts, VectorSource } from './previous.ts';

export const LEXICAL_ON_REQUEST = 'built lexical-only on request (--lexical-only)';

export function sameSpace(a: EmbeddingSpace | null | undefined, b: EmbeddingSpace | null): boolean {
  if (!a || !b) return !a && !b;
  return spaceMismatch(a, b) === null;
}

/** Loads the model (once, here) and returns the space it embeds into, or why there is none. */
export async function probeSpace(
  opts: { embedder: Embedder | null; baseUrl?: string; lazyModel?: boolean; lexicalReason?: string },
  previous: PreviousFacts | null,
  log: (line: string) => void,
): Promise<{ space: EmbeddingSpace | null; unavailable?: string }> {
  if (!opts.embedder) return { space: null, unavailable: opts.lexicalReason ?? LEXICAL_ON_REQUEST };
  const known = previous?.hasVectors ? previous.embedding : null;
  if (opts.lazyModel && known && spaceMismatch(known, opts.embedder.info) === null) return { space: known };
  try {
    const dimension = await opts.embedder.dimension();
    const { provider, model, dtype, location, inputType, queryPrefix, passagePrefix } = opts.embedder.info;
    return {
      space: {
        provider,
        model,
        ...(dtype ? { dtype } : {}),
        ...(location ? { location } : {}),
        ...(inputType ? { inputType } : {}),
        queryPrefix,
        passagePrefix,
        dimension,
        ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
      },
    };
  } catch (err) {
    if (!(err instanceof EmbedderUnavailableError)) throw err;
    log(`no embedding model: ${err.message}`);
    log('building a lexical-only index; searches will say they are lexical. Fix the model and run `sanad index` again for hybrid search.');
    return { space: null, unavailable: err.message };
  }
}

/**
 * A vector for every passage: from the previous version when its text was embedded before,
 * otherwise from the model (each distinct text once). `needed`: passages that had no vector.
 */
export async function embedNew(
  embedder: Embedder,
  passages: readonly StoredPassage[],
  source: VectorSource | null,
  showProgress: boolean,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<{ vectors: Float32Array[]; embedded: number; needed: number }> {
  const vectors: Array<Float32Array | undefined> = new Array(passages.length);
  const todo = new Map<string, number[]>();
  for (const [ord, p] of passages.entries()) {
    const pending = todo.get(p.hash);
    if (pending) {
      pending.push(ord);
      continue;
    }
    const found = source ? await source.find(p.hash) : null;
    if (found) vectors[ord] = found;
    else todo.set(p.hash, [ord]);
  }
  const pending = [...todo.values()];
  const needed = pending.reduce((n, ords) => n + ords.length, 0);
  const texts = pending.map((ords) => passages[ords[0] ?? 0]?.text ?? '');
  if (texts.length > 0) {
    const progress = showProgress ? createProgress('passages embedded', texts.length) : null;
    onProgress(0, texts.length);
    const fresh = await embedInSlices(embedder, texts, (p) => {
      progress?.update(p.done);
      onProgress(p.done, texts.length);
    });
    progress?.finish();
    pending.forEach((ords, i) => {
      const v = fresh[i];
      if (!v) throw new Error(`the embedder returned ${fresh.length} vectors for ${texts.length} passages`);
      for (const ord of ords) vectors[ord] = v;
    });
  }
  const complete = vectors.map((v, ord) => {
    if (!v) throw new Error(`passage ${ord} has no vector`);
    return v;
  });
  return { vectors: complete, embedded: texts.length, needed };
}
