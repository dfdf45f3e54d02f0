// Reranking in-process with a cross-encoder: a sequence-classification model in the Hugging Face
// ONNX layout, loaded with transformers.js (AutoTokenizer + AutoModelForSequenceClassification),
// reading the question and a passage together as one input pair and returning a relevance logit.
// It runs on the same ONNX Runtime as the embedder (src/embed/onnx-runtime.ts), from a Hub id
// (cached once) or a local folder, with the same offline switches.
import path from 'node:path';
import { isBatchInvariant } from '../embed/batch-invariance.ts';
import { localModel, runPieces } from '../embed/local-model.ts';
import {
  DEFAULT_TRANSFORMERS_DTYPE,
  isTransformersDtype,
  loadFromSource,
  localFolder,
  ModelLoadError,
  unknownDtypeMessage,
  type ModelWords,
  type TransformersDtype,
} from '../embed/model-source.ts';
import { boundInputLength, loadTransformers, openOnDevice } from '../embed/onnx-runtime.ts';
import type { PreTrainedTokenizer, Tensor } from '../embed/transformers-library.ts';
import { oneLine } from '../embed/vectors.ts';
import { RerankerUnavailableError, type Reranker, type RerankerInfo } from './reranker.ts';

/** Pairs per model run; pairs are sorted by passage length first, as the embedder sorts texts. */
export const DEFAULT_CROSS_ENCODER_BATCH_SIZE = 16;

const WORDS: ModelWords = {
  what: 'reranker model',
  modelSetting: '--rerank-model / SANAD_RERANK_MODEL',
  dtypeFlag: '--rerank-dtype',
  dtypeEnv: 'SANAD_RERANK_DTYPE',
  example: 'onnx-community/bge-reranker-v2-m3-ONNX',
};

/** The question the batch-invariance probe pairs with its texts. */
const PROBE_QUERY = 'probe question';

class DeadlinePassed extends Error {}

export interface CrossEncoderOptions {
  /** Hub id or a path to a local model folder. */
  model: string;
  dtype?: string;
  batchSize?: number;
  cacheDir?: string;
  onLog?: (line: string) => void;
  /** Environment for the offline switches and the runtime; process.env when absent. */
  env?: NodeJS.ProcessEnv;
}

interface PairClassifier {
  score(query: string, passages: readonly string[]): Promise<number[]>;
  release(): Promise<void>;
}

/**
 * Tokenises question/passage pairs as the tokenizer's pair template builds them ([CLS] q [SEP]
 * p [SEP], <s> q </s></s> p </s>, …), padded to the longest pair. transformers.js cuts a pair
 * longer than the model's limit at its end, closing special token included; the closing token is
 * put back in the last place, so the model still sees a well-formed pair with the passage's tail
 * cut, as the Python tokenizers truncate pairs.
 */
export function encodePairs(tokenizer: PreTrainedTokenizer, query: string, passages: readonly string[]): Record<string, Tensor> {
  const inputs = tokenizer(
    passages.map(() => query),
    { text_pair: [...passages], padding: true, truncation: true, return_token_type_ids: true },
  ) as Record<string, Tensor>;
  const ids = inputs.input_ids;
  const mask = inputs.attention_mask;
  const [rows = 0, width = 0] = ids?.dims ?? [];
  if (!ids || !mask || width < tokenizer.model_max_length) return inputs;
  const closing = closingToken(tokenizer);
  const idData = ids.data as BigInt64Array;
  for (let r = 0; r < rows; r++) if ((mask.data as BigInt64Array)[r * width + width - 1] === 1n) idData[r * width + width - 1] = closing;
  return inputs;
}

/** The last token of a pair's template (the closing [SEP] or </s>). */
function closingToken(tokenizer: PreTrainedTokenizer): bigint {
  const ids = tokenizer('a', { text_pair: 'b', return_tensor: false }).input_ids as number[];
  const last = ids.at(-1);
  if (last === undefined) throw new Error('the tokenizer encodes a pair as nothing');
  return BigInt(last);
}

/**
 * One relevance score per row of a [rows, labels] logits output: the logit itself for one label,
 * the log-odds of "relevant" (second label) for two.
 */
export function scoresFromLogits(data: Float32Array, dims: readonly number[]): number[] {
  const [rows = 0, labels = 0] = dims;
  if (dims.length !== 2 || (labels !== 1 && labels !== 2)) {
    throw new Error(
      `the model returns logits of shape [${dims.join(', ')}]; a reranker returns one score per pair ([pairs, 1], or [pairs, 2] for not relevant/relevant). Is it a cross-encoder (sequence-classification) model?`,
    );
  }
  const out: number[] = [];
  for (let r = 0; r < rows; r++) out.push(labels === 1 ? (data[r] ?? 0) : (data[r * 2 + 1] ?? 0) - (data[r * 2] ?? 0));
  return out;
}

async function loadPairClassifier(dir: string, dtype: TransformersDtype, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<PairClassifier> {
  const rt = await loadTransformers(env, log);
  const tokenizer = await rt.lib.AutoTokenizer.from_pretrained(dir, { local_files_only: true });
  const model = await openOnDevice(rt, () =>
    rt.lib.AutoModelForSequenceClassification.from_pretrained(dir, { dtype, local_files_only: true, session_options: rt.sessionOptions }),
  );
  boundInputLength(tokenizer, model.config);
  return {
    async score(query, passages) {
      const out = (await model(encodePairs(tokenizer, query, passages))) as { logits?: Tensor };
      const logits = out.logits;
      if (!logits || logits.type !== 'float32') throw new Error(`the model returned ${logits ? `a ${logits.type} tensor` : 'no logits'}; expected float32 logits`);
      return scoresFromLogits(logits.data as Float32Array, logits.dims);
    },
    release: async () => {
      await model.dispose();
    },
  };
}

export function createCrossEncoderReranker(opts: CrossEncoderOptions): Reranker {
  const dtypeName = opts.dtype ?? DEFAULT_TRANSFORMERS_DTYPE;
  if (!isTransformersDtype(dtypeName)) throw new RerankerUnavailableError(unknownDtypeMessage(dtypeName, opts.model, WORDS));
  const dtype: TransformersDtype = dtypeName;
  const batchSize = opts.batchSize ?? DEFAULT_CROSS_ENCODER_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize} (--rerank-batch-size).`);
  const env = opts.env ?? process.env;
  const log = opts.onLog ?? (() => undefined);
  const folder = localFolder(opts.model, env);
  const info: RerankerInfo = {
    provider: 'transformers',
    model: folder ? path.basename(folder) : opts.model,
    ...(folder ? { location: folder } : {}),
    dtype,
  };
  const model = localModel<PairClassifier>(() =>
    loadFromSource(
      { model: opts.model, ...(folder ? { folder } : {}), dtype, ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}), env, log, words: WORDS },
      (dir) => loadPairClassifier(dir, dtype, env, log),
    ).catch((err: unknown) => {
      throw err instanceof ModelLoadError ? new RerankerUnavailableError(err.message, { cause: err.cause }) : err;
    }),
  );

  // Whether scores are independent of batch-mates (batch-invariance.ts): measured once per model.
  let invariant: Promise<boolean> | undefined;

  async function scorePairs(query: string, passages: string[], deadline?: number): Promise<number[]> {
    try {
      return await model.run((m) => {
        // A search that has given up waiting needs no more runs; the CPU is better left free.
        if (deadline !== undefined && Date.now() >= deadline) throw new DeadlinePassed();
        return m.score(query, passages);
      });
    } catch (err) {
      if (err instanceof DeadlinePassed) {
        throw new RerankerUnavailableError(`Reranking with model "${opts.model}" did not finish in time; raise --rerank-timeout or lower --rerank-top.`);
      }
      throw new RerankerUnavailableError(`Reranking with model "${opts.model}" failed: ${oneLine(err)}.`, { cause: err });
    }
  }

  return {
    info,
    async score(query, passages, scoreOpts = {}) {
      if (passages.length === 0) return [];
      await model.get();
      invariant ??= isBatchInvariant(async (texts) => (await scorePairs(PROBE_QUERY, texts)).map((s) => Float32Array.of(s))).then((same) => {
        if (!same) {
          log(`model ${opts.model} (${dtype}) gives a pair another score when it shares a batch; scoring one pair per run so scores do not depend on batch-mates`);
          model.lanes = 2;
        }
        return same;
      });
      return runPieces(passages, { batchSize, invariant: await invariant }, (indexes) =>
        scorePairs(query, indexes.map((i) => passages[i] ?? ''), scoreOpts.deadline),
      );
    },
    async warmUp() {
      await model.get();
    },
    loading: () => model.state() === 'loading',
    close: () => model.close(),
  };
}
