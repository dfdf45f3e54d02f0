// A running server's reindex after one changed file, on a built scale-benchmark index (run.ts):
// the index is opened once, then each round appends a line to one article and times
// LiveIndex.reindex (walk the corpus, read what changed, write a segment, publish, swap in).
//
//   node --max-old-space-size=16000 --import tsx bench/scale/reindex-one-file.ts --dir /tmp/scale-1m \
//     --model ~/.cache/sanad-dev/multilingual-e5-small [--rounds 3]
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { round } from '../../src/eval/stats.ts';
import { LiveIndex } from '../../src/mcp/live-index.ts';
import { spaceOfModel } from '../synthetic-index.ts';
import { articleToEdit, precomputedEmbedder } from './synthetic-corpus.ts';

const { values } = parseArgs({ options: { dir: { type: 'string' }, model: { type: 'string' }, rounds: { type: 'string', default: '3' } } });
if (!values.dir || !values.model) throw new Error('usage: reindex-one-file.ts --dir DIR --model MODEL_DIR [--rounds N]');
const dir = path.resolve(values.dir);
const corpusDir = path.join(dir, 'corpus');
const modelDir = path.resolve(values.model.replace(/^~/, process.env.HOME ?? '~'));
const embedder = precomputedEmbedder({ ...(await spaceOfModel(modelDir)), location: modelDir });
const edit = await articleToEdit(corpusDir);
const live = await LiveIndex.open({ corpusDir, indexDir: path.join(dir, 'index'), embedder, log: () => {} });
try {
  const seconds: number[] = [];
  for (let i = 0; i < Number(values.rounds); i++) {
    await edit(Date.now());
    const start = performance.now();
    await live.reindex();
    seconds.push(round((performance.now() - start) / 1000, 2));
  }
  process.stdout.write(`${JSON.stringify({ seconds, loadavg: loadavg().map((x) => round(x, 2)) })}\n`);
} finally {
  await live.close();
}
