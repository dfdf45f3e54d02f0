// A process for the SANAD_ONNXRUNTIME test: embeds one text with the runtime its environment
// names, then asks for the bundled runtime in the same process (which must be refused), and
// prints what happened as JSON on stdout.
//   node --import tsx test/helpers/runtime-child.ts MODEL_DIR
import { createTransformersEmbedder } from '../../src/embed/transformers.ts';

const model = process.argv[2] ?? '';
const logs: string[] = [];
const chosen = createTransformersEmbedder({ model, onLog: (l) => logs.push(l) });
const [vector] = await chosen.embedPassages(['قاعدة حميميم الجوية']);
const bundled = createTransformersEmbedder({ model, env: { ...process.env, SANAD_ONNXRUNTIME: '' } });
const refused = await bundled.embedPassages(['x']).then(
  () => null,
  (err: unknown) => (err instanceof Error ? err.message : String(err)),
);
const sessions = (globalThis as { fakeRuntimeSessions?: number }).fakeRuntimeSessions ?? 0;
process.stdout.write(JSON.stringify({ logs, vector: Array.from(vector ?? []), sessions, refused }));
