// Loads each index folder named on the command line in turn and prints one JSON line per folder:
// {"dir", "outcome": "loaded" | "error", "name", "message", "phase"}. An index that loads is then
// read the way requests read it (vector and lexical search, passages, quote candidates, id
// suggestions), so data read lazily is exercised too. Run as a child process by the crafted-index
// test, so that a crash inside native code shows up as the last folder printed rather than killing
// the test runner.
import { embeddedSnapshot } from '../../src/backend/embedded/open.ts';
import { loadIndex } from '../../src/store/index-store.ts';
import { tokenize } from '../../src/text/tokenize.ts';

for (const dir of process.argv.slice(2)) {
  process.stdout.write(`${JSON.stringify({ dir, outcome: 'start' })}\n`);
  let phase = 'load';
  try {
    const index = await loadIndex(dir);
    phase = 'read';
    const backend = embeddedSnapshot(index).backend;
    const dimension = index.manifest.embedding?.dimension;
    if (backend.info().hasVectors && dimension) {
      await backend.vectorSearch(new Float32Array(dimension).fill(1 / Math.sqrt(dimension)), 10);
    }
    const hits = await backend.lexicalSearch(tokenize('وزير الخارجية موسكو سوريا'), 20);
    const page = await backend.listDocuments({ limit: 50 });
    for (const d of page.documents) await backend.passagesOf(d.id);
    await backend.passages(hits.map((h) => h.passage.id));
    await backend.quoteCandidates({ quote: 'وزير الخارجية السوري', similar: 8 });
    await backend.suggestIds('000_a89eda4c32949ba3.tx', 3);
    process.stdout.write(`${JSON.stringify({ dir, outcome: 'loaded', fallback: index.fallbackReason ?? null })}\n`);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    process.stdout.write(`${JSON.stringify({ dir, outcome: 'error', phase, name: e.name, message: e.message })}\n`);
  }
}
