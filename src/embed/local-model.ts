// The life of an in-process model (embedder or cross-encoder): loaded on first use and once, even
// when several calls arrive together; a failed load is tried again by the next call (the network
// or the folder may be back). Runs go one after another, since ONNX Runtime already spreads one
// batch over all cores and interleaved batches would only raise peak memory; a model that must
// see one input per run (batch-invariance.ts) gets two runs in flight, as one short run alone
// keeps only one core busy.
import { chunk } from './vectors.ts';

export type LocalModelState = 'idle' | 'loading' | 'ready' | 'failed';

export interface LocalModel<T> {
  /** The loaded model (loading it if needed). */
  get(): Promise<T>;
  state(): LocalModelState;
  /** Runs `fn` on the loaded model once a lane is free, in the order runs were asked for. */
  run<R>(fn: (model: T) => Promise<R>): Promise<R>;
  /** Runs in flight at once: 1, or 2 for one-input runs. */
  lanes: number;
  /** Frees the model once any load in progress has ended. Safe to call twice. */
  close(): Promise<void>;
}

export function localModel<T extends { release(): Promise<void> }>(load: () => Promise<T>): LocalModel<T> {
  let loading: Promise<T> | undefined;
  let state: LocalModelState = 'idle';
  let active = 0;
  const waiting: Array<() => void> = [];

  const get = (): Promise<T> => {
    if (!loading) {
      state = 'loading';
      loading = load().then(
        (model) => {
          state = 'ready';
          return model;
        },
        (err: unknown) => {
          state = 'failed';
          loading = undefined; // a later call may retry (e.g. after the network comes back)
          throw err;
        },
      );
    }
    return loading;
  };

  const self: LocalModel<T> = {
    get,
    state: () => state,
    lanes: 1,
    async run(fn) {
      const model = await get();
      if (active >= self.lanes) await new Promise<void>((resolve) => waiting.push(resolve));
      active++;
      try {
        return await fn(model);
      } finally {
        active--;
        waiting.shift()?.();
      }
    },
    async close() {
      const pending = loading;
      loading = undefined;
      state = 'idle';
      if (!pending) return;
      const model = await pending.catch(() => undefined);
      await model?.release();
    },
  };
  return self;
}

/**
 * Runs `inputs` through `run` and returns the outputs in input order. Batched (`invariant`): in
 * batches of at most `batchSize`, shortest inputs first, so similar lengths share a batch and
 * little compute goes to padding (the measured win, see DEFAULT_TRANSFORMERS_BATCH_SIZE), with
 * `onProgress` after each batch. Otherwise one input per run, all queued at once (the model's
 * lanes bound how many run), with `onProgress` every `batchSize` inputs and at the end.
 */
export async function runPieces<R>(
  inputs: readonly string[],
  opts: { batchSize: number; invariant: boolean; onProgress?: (done: number) => void },
  run: (indexes: number[]) => Promise<R[]>,
): Promise<R[]> {
  const result = new Array<R>(inputs.length);
  let done = 0;
  const store = (indexes: number[], outputs: R[]) => {
    indexes.forEach((idx, j) => {
      const out = outputs[j];
      if (out !== undefined) result[idx] = out;
    });
    done += indexes.length;
  };
  if (!opts.invariant) {
    await Promise.all(
      inputs.map(async (_, i) => {
        store([i], await run([i]));
        if (done % opts.batchSize === 0 || done === inputs.length) opts.onProgress?.(done);
      }),
    );
    return result;
  }
  const order = inputs.map((_, i) => i).sort((a, b) => (inputs[a]?.length ?? 0) - (inputs[b]?.length ?? 0));
  for (const batch of chunk(order, opts.batchSize)) {
    store(batch, await run(batch));
    opts.onProgress?.(done);
  }
  return result;
}
