// Writes test/fixtures/tiny-model/: a BERT-shaped ONNX encoder with seeded random weights and a
// character-level WordPiece tokenizer covering Arabic, Persian and Latin text. It lets the
// transformers.js provider be tested end to end (load, tokenise, run, pool) offline and in
// milliseconds; its vectors mean nothing linguistically.
//
// Run: npx tsx scripts/make-tiny-model.ts [outDir]
// The output is byte-for-byte deterministic, so re-running it must not change the committed files.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';

const { onnx } = onnxProto;

const HIDDEN = 32;
const SEED = 0x5a4ad;

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

/**
 * last_hidden_state = (x + tanh(x·W)) * mask, with x = word_emb[input_ids] + type_emb[token_type_ids].
 * All three inputs are consumed so the runtime and transformers.js see a normal BERT signature.
 */
export function buildModel(vocabSize: number): Uint8Array {
  const rng = makeRng(SEED);
  const INT64 = onnx.TensorProto.DataType.INT64;
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const graph = onnx.GraphProto.create({
    name: 'tiny_bert',
    initializer: [
      floatTensor('word_embeddings', [vocabSize, HIDDEN], rng, 1),
      floatTensor('token_type_embeddings', [2, HIDDEN], rng, 0.1),
      floatTensor('dense_weight', [HIDDEN, HIDDEN], rng, 1 / Math.sqrt(HIDDEN)),
      int64Tensor('unsqueeze_axes', [2]),
    ],
    input: [
      valueInfo('input_ids', INT64, ['batch_size', 'sequence_length']),
      valueInfo('attention_mask', INT64, ['batch_size', 'sequence_length']),
      valueInfo('token_type_ids', INT64, ['batch_size', 'sequence_length']),
    ],
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
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'sanad-make-tiny-model',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 14 })],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

export function writeTinyModel(outDir: string): void {
  const vocab = buildVocab();
  const bytes = buildModel(vocab.length);
  mkdirSync(path.join(outDir, 'onnx'), { recursive: true });
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  writeFileSync(
    path.join(outDir, 'config.json'),
    json({
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
    }),
  );
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
  writeFileSync(
    path.join(outDir, 'README.md'),
    [
      '# tiny-model (test fixture)',
      '',
      'Generated by `npx tsx scripts/make-tiny-model.ts`; do not edit by hand.',
      `A ${HIDDEN}-dimensional BERT-shaped ONNX graph with seeded random weights and a character-level`,
      'WordPiece vocabulary (Arabic, Persian, Latin). Its vectors carry no meaning: it exists so the',
      'transformers.js provider can be tested offline.',
      '',
    ].join('\n'),
  );
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const outDir = path.resolve(process.argv[2] ?? path.join(here, '..', 'test', 'fixtures', 'tiny-model'));
  writeTinyModel(outDir);
  console.error(`tiny model written to ${outDir}`);
}
