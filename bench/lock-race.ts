// Lock soak: the writer-lock race of test/hostile-lock.test.ts at full length. Pairs of processes
// started at the same moment (each trying once), and long-lived contenders told to take the lock
// at the same instant, on fresh folders and over planted stale locks. Prints one JSON line.
//
//   flock /tmp/sanad-heavy.lock node --import tsx bench/lock-race.ts [--pairs 200] [--rounds 1000]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { raceFreshPairs, raceLongLived } from '../test/helpers/lock-race.ts';

const { values } = parseArgs({ options: { pairs: { type: 'string' }, rounds: { type: 'string' } } });
const pairs = Number(values.pairs ?? 200);
const rounds = Number(values.rounds ?? 1000);
const root = await mkdtemp(path.join(tmpdir(), 'sanad-lock-soak-'));
try {
  let started = performance.now();
  const fresh = await raceFreshPairs(root, pairs);
  const freshMs = performance.now() - started;
  started = performance.now();
  const two = await raceLongLived(path.join(root, 'two'), rounds, 2);
  const three = await raceLongLived(path.join(root, 'three'), rounds, 3);
  const longMs = performance.now() - started;
  const summary = {
    freshPairs: { rounds: fresh.rounds, exactlyOneWinner: fresh.clean, failures: fresh.failures, planted: fresh.planted, seconds: Math.round(freshMs / 1000) },
    twoContenders: { rounds: two.rounds, exactlyOneWinner: two.clean, failures: two.failures, planted: two.planted },
    threeContenders: { rounds: three.rounds, exactlyOneWinner: three.clean, failures: three.failures, planted: three.planted },
    longLivedSeconds: Math.round(longMs / 1000),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exitCode = fresh.failures.length + two.failures.length + three.failures.length === 0 ? 0 : 1;
} finally {
  await rm(root, { recursive: true, force: true });
}
