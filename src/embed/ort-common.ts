// onnxruntime-common as transformers.js sees it: the API as re-exported by the onnxruntime-node
// that transformers.js runs (the pinned one, or the one SANAD_ONNXRUNTIME names, which the require
// cache hands out under the same name: onnx-runtime.ts), so the tensors it builds are that
// runtime's own class. transformers.js imports only `Tensor` from it. This module stands in for
// onnxruntime-common inside the bundle (scripts/bundle-transformers.mjs) and, in a checkout run
// from the sources, through the resolve hook onnx-runtime.ts registers for a named runtime.
import { createRequire } from 'node:module';

const ort = createRequire(import.meta.url)('onnxruntime-node') as typeof import('onnxruntime-common');

export const Tensor = ort.Tensor;
