// Stands in for `sharp` inside the bundled transformers.js (scripts/bundle-transformers.mjs):
// transformers.js imports it for its image pipelines, which sanad never runs, and the real
// package would add a native image library to every install. A function, because transformers.js
// only checks at load time that one is there; calling it says what happened.
export default function sharp(): never {
  throw new Error('image processing is not part of sanad: its bundled transformers.js has no sharp (text models only)');
}
