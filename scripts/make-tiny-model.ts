// Writes two test fixtures with seeded random weights and a character-level WordPiece tokenizer
// covering Arabic, Persian and Latin text, so the in-process providers are tested end to end
// (load, tokenise, run) offline and in milliseconds:
// - test/fixtures/tiny-model/: a BERT-shaped encoder (last_hidden_state) for the embedder; its
//   vectors mean nothing linguistically;
// - test/fixtures/tiny-reranker/: a cross-encoder (sequence classification, `logits` [pairs, 1])
//   for the reranker. Its logit is the cosine between the summed character embeddings of the
//   question segment and of the passage segment, told apart by token_type_ids, so passages sharing
//   the question's characters score higher: a ranking a test can predict, and one that breaks if
//   pairs are encoded wrongly.
//
// Run: npx tsx scripts/make-tiny-model.ts [embedderDir] [rerankerDir]
// The output is byte-for-byte deterministic, so re-running it must not change the committed files.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';

const { onnx } = onnxProto;

const HIDDEN = 32;
const SEED = 0x5a4ad;
const RERANKER_SEED = 0x7e4a2;

/** mulberry32: tiny, seedable, good enough for weights nobody reads. */
function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function range(from: number, to: number): string[] {
  const out: string[] = [];
  for (let c = from; c <= to; c++) out.push(String.fromCodePoint(c));
  return out;
}

/**
 * Single characters, each also as a `##` continuation, so any word made of covered characters
 * tokenises to one piece per character instead of collapsing to [UNK].
 */
export function buildVocab(): string[] {
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const chars = [
    ...range(0x61, 0x7a), // a-z (the normaliser lowercases)
    ...range(0x30, 0x39), // 0-9
    ...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'.split(''),
    '،', '؛', '؟', '«', '»', '٪', '٫', '٬',
    ...range(0x0621, 0x063a), // Arabic letters hamza..ghain
    ...range(0x0640, 0x0655), // tatweel, feh..yeh, harakat, hamza marks
    '\u0670', // superscript alef
    ...range(0x0660, 0x0669), // Arabic-Indic digits
    ...range(0x06f0, 0x06f9), // Persian digits
    'پ', 'چ', 'ژ', 'ک', 'گ', 'ی', 'ۀ', 'ە',
  ];
  const unique = [...new Set(chars)];
  return [...specials, ...unique, ...unique.map((c) => `##${c}`)];
}

function tokenizerJson(vocab: readonly string[]): unknown {
  const ids: Record<string, number> = {};
  vocab.forEach((tok, i) => {
    ids[tok] = i;
  });
  const special = (content: string, id: number) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((t, i) => special(t, i)),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: ids,
    },
  };
}

function floatTensor(name: string, dims: number[], rng: () => number, scale: number) {
  const count = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = (rng() * 2 - 1) * scale;
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(data.buffer),
  });
}

function int64Tensor(name: string, values: number[]) {
  const data = new BigInt64Array(values.map((v) => BigInt(v)));
  return onnx.TensorProto.create({
    name,
    dims: [values.length],
    dataType: onnx.TensorProto.DataType.INT64,
    rawData: new Uint8Array(data.buffer),
  });
}

function valueInfo(name: string, elemType: number, dims: (string | number)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) =>
            typeof d === 'string'
              ? onnx.TensorShapeProto.Dimension.create({ dimParam: d })
              : onnx.TensorShapeProto.Dimension.create({ dimValue: d }),
          ),
        }),
      }),
    }),
  });
}

function node(opType: string, inputs: string[], outputs: string[], attrs: OnnxTypes.IAttributeProto[] = []) {
  return onnx.NodeProto.create({ opType, input: inputs, output: outputs, name: outputs[0] ?? opType, attribute: attrs });
}

function ints(name: string, values: number[]) {
  return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: values });
}

function int(name: string, value: number) {
  return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });
}

/** The three inputs of a BERT graph, so the runtime and transformers.js see a normal signature. */
function bertInputs() {
  const INT64 = onnx.TensorProto.DataType.INT64;
  return ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => valueInfo(name, INT64, ['batch_size', 'sequence_length']));
}

function encodeModel(graph: OnnxTypes.IGraphProto): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'sanad-make-tiny-model',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 14 })],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * last_hidden_state = (x + tanh(x·W)) * mask, with x = word_emb[input_ids] + type_emb[token_type_ids].
 * All three inputs are consumed so the runtime and transformers.js see a normal BERT signature.
 */
export function buildModel(vocabSize: number): Uint8Array {
  const rng = makeRng(SEED);
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const graph = onnx.GraphProto.create({
    name: 'tiny_bert',
    initializer: [
      floatTensor('word_embeddings', [vocabSize, HIDDEN], rng, 1),
      floatTensor('token_type_embeddings', [2, HIDDEN], rng, 0.1),
      floatTensor('dense_weight', [HIDDEN, HIDDEN], rng, 1 / Math.sqrt(HIDDEN)),
      int64Tensor('unsqueeze_axes', [2]),
    ],
    input: bertInputs(),
    output: [valueInfo('last_hidden_state', FLOAT, ['batch_size', 'sequence_length', HIDDEN])],
    node: [
      node('Gather', ['word_embeddings', 'input_ids'], ['tok'], [
        onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }),
      ]),
      node('Gather', ['token_type_embeddings', 'token_type_ids'], ['typ'], [
        onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }),
      ]),
      node('Add', ['tok', 'typ'], ['x']),
      node('MatMul', ['x', 'dense_weight'], ['xw']),
      node('Tanh', ['xw'], ['act']),
      node('Add', ['x', 'act'], ['h']),
      node('Cast', ['attention_mask'], ['mask_f'], [
        onnx.AttributeProto.create({ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }),
      ]),
      node('Unsqueeze', ['mask_f', 'unsqueeze_axes'], ['mask_3d']),
      node('Mul', ['h', 'mask_3d'], ['last_hidden_state']),
    ],
  });
  return encodeModel(graph);
}

/**
 * logits = cos(Σ_q e, Σ_p e), with e = word_emb[input_ids], Σ_q over the real tokens of segment 0
 * (question, with [CLS] and its [SEP]) and Σ_p over segment 1 (passage and the closing [SEP]).
 */
export function buildRerankerModel(vocabSize: number): Uint8Array {
  const rng = makeRng(RERANKER_SEED);
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const eps = onnx.TensorProto.create({ name: 'eps', dims: [], dataType: FLOAT, rawData: new Uint8Array(new Float32Array([1e-6]).buffer) });
  const graph = onnx.GraphProto.create({
    name: 'tiny_cross_encoder',
    initializer: [floatTensor('word_embeddings', [vocabSize, HIDDEN], rng, 1), int64Tensor('axis1', [1]), int64Tensor('axis2', [2]), eps],
    input: bertInputs(),
    output: [valueInfo('logits', FLOAT, ['batch_size', 1])],
    node: [
      node('Gather', ['word_embeddings', 'input_ids'], ['tok'], [int('axis', 0)]),
      node('Cast', ['attention_mask'], ['mask_f'], [int('to', FLOAT)]),
      node('Cast', ['token_type_ids'], ['type_f'], [int('to', FLOAT)]),
      node('Mul', ['mask_f', 'type_f'], ['mask_p']),
      node('Sub', ['mask_f', 'mask_p'], ['mask_q']),
      node('Unsqueeze', ['mask_q', 'axis2'], ['mask_q3']),
      node('Unsqueeze', ['mask_p', 'axis2'], ['mask_p3']),
      node('Mul', ['tok', 'mask_q3'], ['tok_q']),
      node('Mul', ['tok', 'mask_p3'], ['tok_p']),
      node('ReduceSum', ['tok_q', 'axis1'], ['sum_q'], [int('keepdims', 0)]),
      node('ReduceSum', ['tok_p', 'axis1'], ['sum_p'], [int('keepdims', 0)]),
      node('Mul', ['sum_q', 'sum_p'], ['prod']),
      node('ReduceSum', ['prod', 'axis1'], ['dot'], [int('keepdims', 1)]),
      node('ReduceL2', ['sum_q'], ['norm_q'], [ints('axes', [1]), int('keepdims', 1)]),
      node('ReduceL2', ['sum_p'], ['norm_p'], [ints('axes', [1]), int('keepdims', 1)]),
      node('Mul', ['norm_q', 'norm_p'], ['norms']),
      node('Add', ['norms', 'eps'], ['denominator']),
      node('Div', ['dot', 'denominator'], ['logits']),
    ],
  });
  return encodeModel(graph);
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** tokenizer.json, tokenizer_config.json and the graph under both dtype names (q8 and fp32). */
function writeModelFolder(outDir: string, vocab: readonly string[], bytes: Uint8Array, config: object, readme: string[]): void {
  mkdirSync(path.join(outDir, 'onnx'), { recursive: true });
  writeFileSync(path.join(outDir, 'config.json'), json(config));
  writeFileSync(
    path.join(outDir, 'tokenizer_config.json'),
    json({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: 512,
      unk_token: '[UNK]',
      pad_token: '[PAD]',
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      mask_token: '[MASK]',
      clean_up_tokenization_spaces: true,
    }),
  );
  writeFileSync(path.join(outDir, 'tokenizer.json'), json(tokenizerJson(vocab)));
  // The same graph under both names: q8 loads model_quantized.onnx, fp32 loads model.onnx.
  writeFileSync(path.join(outDir, 'onnx', 'model.onnx'), bytes);
  writeFileSync(path.join(outDir, 'onnx', 'model_quantized.onnx'), bytes);
  writeFileSync(path.join(outDir, 'README.md'), [...readme, ''].join('\n'));
}

export function writeTinyReranker(outDir: string): void {
  const vocab = buildVocab();
  writeModelFolder(
    outDir,
    vocab,
    buildRerankerModel(vocab.length),
    {
      model_type: 'bert',
      architectures: ['BertForSequenceClassification'],
      hidden_size: HIDDEN,
      num_labels: 1,
      id2label: { 0: 'LABEL_0' },
      label2id: { LABEL_0: 0 },
      vocab_size: vocab.length,
      type_vocab_size: 2,
      max_position_embeddings: 512,
      pad_token_id: 0,
    },
    [
      '# tiny-reranker (test fixture)',
      '',
      'Generated by `npx tsx scripts/make-tiny-model.ts`; do not edit by hand.',
      'A cross-encoder-shaped ONNX graph (input_ids, attention_mask, token_type_ids → logits [pairs, 1])',
      'with seeded random character embeddings. Its score is the cosine between the summed embeddings',
      'of the question segment and of the passage segment: passages sharing the question\'s characters',
      'score higher. It exists so the in-process reranker can be tested offline.',
    ],
  );
}

export function writeTinyModel(outDir: string): void {
  const vocab = buildVocab();
  writeModelFolder(
    outDir,
    vocab,
    buildModel(vocab.length),
    {
      model_type: 'bert',
      architectures: ['BertModel'],
      hidden_size: HIDDEN,
      num_hidden_layers: 1,
      num_attention_heads: 1,
      intermediate_size: HIDDEN,
      vocab_size: vocab.length,
      type_vocab_size: 2,
      max_position_embeddings: 512,
      pad_token_id: 0,
    },
    [
      '# tiny-model (test fixture)',
      '',
      'Generated by `npx tsx scripts/make-tiny-model.ts`; do not edit by hand.',
      `A ${HIDDEN}-dimensional BERT-shaped ONNX graph with seeded random weights and a character-level`,
      'WordPiece vocabulary (Arabic, Persian, Latin). Its vectors carry no meaning: it exists so the',
      'transformers.js provider can be tested offline.',
    ],
  );
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const outDir = path.resolve(process.argv[2] ?? path.join(here, '..', 'test', 'fixtures', 'tiny-model'));
  const rerankerDir = path.resolve(process.argv[3] ?? path.join(here, '..', 'test', 'fixtures', 'tiny-reranker'));
  writeTinyModel(outDir);
  writeTinyReranker(rerankerDir);
  console.error(`tiny model written to ${outDir}, tiny reranker to ${rerankerDir}`);
}
