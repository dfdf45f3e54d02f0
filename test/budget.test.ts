// The request work budget: work and wall-clock limits, and waiting for I/O (a remote backend)
// that does not count against the clock.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BudgetExceededError, workBudget } from '../src/util/budget.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('stops once the units are spent', () => {
  const budget = workBudget({ units: 100, message: 'too much' });
  budget.spend(60);
  assert.throws(() => budget.spend(60), BudgetExceededError);
});

it('time spent waiting for I/O does not use up the deadline; time spent otherwise does', async () => {
  const waited = workBudget({ ms: 40, message: 'too slow' });
  assert.equal(await waited.waiting(sleep(80).then(() => 'answer')), 'answer');
  waited.spend(25_000); // reads the clock: 80 ms have passed, all of them waiting
  await waited.pause();

  const busy = workBudget({ ms: 40, message: 'too slow' });
  await sleep(80);
  assert.throws(() => busy.spend(25_000), BudgetExceededError);
});
