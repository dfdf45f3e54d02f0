// Loads each index folder named on the command line in turn and prints one JSON line per folder:
// {"dir", "outcome": "loaded" | "error", "name", "message"}. When an index loads with vectors, a
// vector search runs on it too. Run as a child process by the crafted-index test, so that a crash
// inside native code shows up as the last folder printed rather than killing the test runner.
import { embeddedSnapshot } from '../../src/backend/embedded/open.ts';
import { loadIndex } from '../../src/store/index-store.ts';

for (const dir of process.argv.slice(2)) {
  process.stdout.write(`${JSON.stringify({ dir, outcome: 'start' })}\n`);
  try {
    const index = await loadIndex(dir);
    const backend = embeddedSnapshot(index).backend;
    const dimension = index.manifest.embedding?.dimension;
    if (backend.info().hasVectors && dimension) {
      await backend.vectorSearch(new Float32Array(dimension).fill(1 / Math.sqrt(dimension)), 10);
    }
    process.stdout.write(`${JSON.stringify({ dir, outcome: 'loaded', fallback: index.fallbackReason ?? null })}\n`);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    process.stdout.write(`${JSON.stringify({ dir, outcome: 'error', name: e.name, message: e.message })}\n`);
  }
}
