// The request work budget: work and wall-clock limits, and waiting for I/O (a remote backend)
// that does not count against the clock, while an in-process backend's lookups do.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanQuoteLookup } from '../src/quote/scan-lookup.ts';
import { verifyQuote, type QuoteLookup, type QuoteSource } from '../src/quote/verify.ts';
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

describe('verifyQuote charges an in-process lookup to the budget, and only a remote one is waited for', () => {
  const passages: QuoteSource[] = [{ id: 'a.txt#p1', docId: 'a.txt', start: 0, text: 'وأكدت الوزارة أن مخزون نبع الفيجة انخفض إلى أدنى مستوى له منذ عشرين عاما.' }];
  const scan = scanQuoteLookup(passages);
  // A quote found nowhere: the verifier asks for candidate documents, then for similar passages.
  const quote = 'قال المتحدث باسم الحكومة إن المفاوضات ستستأنف الأسبوع المقبل في العاصمة';

  /** Candidate lookups that take 150 ms each: on this thread in 15 ms slices (as the embedded backend's), or waiting (as Solr). */
  function slowLookup(remote: boolean): QuoteLookup {
    const busy = async () => {
      for (let slice = 0; slice < 10; slice++) {
        const until = performance.now() + 15;
        while (performance.now() < until) {
          // CPU work on the event loop, as a segment scan does.
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    return {
      ...scan,
      ...(remote ? { remote: true } : {}),
      quoteCandidates: async (query) => {
        await (remote ? sleep(150) : busy());
        return scan.quoteCandidates(query);
      },
    };
  }

  it('in process: the lookups use up a 100 ms budget and the verifier stops with its error', async () => {
    const budget = workBudget({ ms: 100, message: 'verify_quote stopped: shorten the quote' });
    await assert.rejects(verifyQuote(slowLookup(false), quote, { budget }), (err: unknown) => err instanceof BudgetExceededError && /shorten the quote/.test(err.message));
  });

  it('remote: the same time spent waiting leaves the budget whole, and the verdict comes back', async () => {
    const budget = workBudget({ ms: 100, message: 'verify_quote stopped: shorten the quote' });
    const verdict = await verifyQuote(slowLookup(true), quote, { budget });
    assert.equal(verdict.level, 'not_found');
  });
});
