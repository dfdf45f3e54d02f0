// A process that contends for the writer lock on command, for the lock race test and soak script.
// Reads lines from stdin:
//   go <round> <dir>     try to take the lock of <dir>; answer "won <round>" or "lost <round>"
//   release <round>      release the lock won in <round>; answer "released <round>"
// With --once <dir>, it tries once as soon as it starts, prints won/lost, holds a won lock until
// stdin closes, and exits.
import { createInterface } from 'node:readline';
import { acquireWriterLock, IndexLockedError, type WriterLock } from '../../src/store/lock.ts';

async function attempt(round: string, dir: string): Promise<WriterLock | null> {
  try {
    const lock = await acquireWriterLock(dir);
    process.stdout.write(`won ${round}\n`);
    return lock;
  } catch (err) {
    const why = err instanceof IndexLockedError ? 'locked' : `error ${err instanceof Error ? err.message : String(err)}`;
    process.stdout.write(`lost ${round} ${why.replace(/\n/g, ' ')}\n`);
    return null;
  }
}

const once = process.argv.indexOf('--once');
if (once >= 0) {
  const lock = await attempt('0', process.argv[once + 1] ?? '');
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.once('end', resolve));
  await lock?.release();
} else {
  const held = new Map<string, WriterLock>();
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) {
    const [verb, round = '', dir = ''] = line.split(' ');
    if (verb === 'go') {
      const lock = await attempt(round, dir);
      if (lock) held.set(round, lock);
    } else if (verb === 'release') {
      await held.get(round)?.release();
      held.delete(round);
      process.stdout.write(`released ${round}\n`);
    }
  }
}
