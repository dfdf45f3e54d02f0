// The one module that imports transformers.js, loaded lazily (onnx-runtime.ts) so that nothing
// model-related runs until a model is wanted.
//
// The published package carries transformers.js inside this file: `npm run build` compiles src/
// and then bundles this module over its compiled copy (scripts/bundle-transformers.mjs), with
// onnxruntime-node and onnxruntime-common left as imports of the package's own pinned 1.16.3 and
// `sharp` (images, which sanad never reads) replaced by a stub. So installing sanad installs
// neither transformers.js nor the onnxruntime-node ≥ 1.19 it depends on, whose install script
// downloads CUDA libraries on Linux x64. A checkout imports transformers.js from node_modules,
// where package.json's `overrides` hold its onnxruntime-node at the same 1.16.3.
export { AutoModelForSequenceClassification, AutoTokenizer, env, pipeline, Tensor } from '@huggingface/transformers';
export type { PreTrainedTokenizer } from '@huggingface/transformers';
