// onnxruntime-node 1.16.3 ships JavaScript only; its API is onnxruntime-common's, re-exported.
declare module 'onnxruntime-node' {
  export * from 'onnxruntime-common';
}
