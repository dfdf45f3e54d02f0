// The writer lock under contention: real processes told to take it at the same instant, on fresh
// folders and over stale locks, must produce exactly one winner every time. The lock it replaced
// gave two or three winners in most rounds here. Kept short for `npm test`; the same races over
// 200 freshly started pairs and 1,000 rounds are the lock soak (bench/lock-race.ts, BENCHMARKS.md).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { acquireWriterLock, IndexLockedError } from '../src/store/lock.ts';
import { raceFreshPairs, raceLongLived } from './helpers/lock-race.ts';

let root = '';
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sanad-hostile-lock-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('writer lock races', () => {
  it('simultaneous attempts by two processes: exactly one winner each, stale locks taken over once', async () => {
    const result = await raceLongLived(path.join(root, 'long'), 45, 2);
    assert.deepEqual(result.failures, []);
    assert.equal(result.clean, 45);
    assert.ok(result.planted['dead-pid'] > 0 && result.planted['reused-pid'] > 0);
  });

  it('three processes contending: still exactly one winner', async () => {
    const result = await raceLongLived(path.join(root, 'three'), 21, 3);
    assert.deepEqual(result.failures, []);
  });

  it('pairs of processes started together: exactly one winner', async () => {
    const result = await raceFreshPairs(path.join(root, 'fresh'), 1);
    assert.deepEqual(result.failures, []);
  });
});

describe('writer lock rules', () => {
  it('an empty or unreadable lock file is never taken as stale', async () => {
    const dir = await mkdtemp(path.join(root, 'empty-'));
    await writeFile(path.join(dir, '.lock'), '');
    await assert.rejects(acquireWriterLock(dir), (err: unknown) => {
      assert.ok(err instanceof IndexLockedError);
      assert.match(err.message, /has a lock file sanad cannot read \(.*\.lock\); delete it if no sanad process is rebuilding this index/);
      return true;
    });
    await writeFile(path.join(dir, '.lock'), '{"pid": 1, "host": "x"');
    await assert.rejects(acquireWriterLock(dir), IndexLockedError);
  });

  it('a release never deletes a lock that another writer holds now', async () => {
    const dir = await mkdtemp(path.join(root, 'steal-'));
    const first = await acquireWriterLock(dir);
    // Someone deleted the lock by hand and a second writer took it.
    await rm(path.join(dir, '.lock'));
    const second = await acquireWriterLock(dir);
    await first.release();
    await assert.rejects(acquireWriterLock(dir), IndexLockedError);
    await second.release();
    const third = await acquireWriterLock(dir);
    await third.release();
    assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('.lock')), []);
  });
});
