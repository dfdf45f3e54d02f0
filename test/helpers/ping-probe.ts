// Measures how long a request keeps other clients waiting: while it runs, pings are sent one
// after another and the slowest answer is kept. A handler that blocks the event loop shows up as
// a ping as slow as the handler; one that yields keeps pings at a few milliseconds.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

export interface Probed<T> {
  value?: T;
  error?: unknown;
  /** Wall time of the request itself. */
  requestMs: number;
  /** Slowest ping answered while the request ran (0 when none was sent). */
  maxPingMs: number;
  pings: number;
}

/** Runs `request` on one client and pings through `pinger` (another client, or the same) until it settles. */
export async function probe<T>(pinger: Client, request: () => Promise<T>): Promise<Probed<T>> {
  const started = performance.now();
  let settled = false;
  const out: Probed<T> = { requestMs: 0, maxPingMs: 0, pings: 0 };
  const running = request().then(
    (value) => {
      out.value = value;
    },
    (error: unknown) => {
      out.error = error;
    },
  ).finally(() => {
    out.requestMs = performance.now() - started;
    settled = true;
  });
  while (!settled) {
    const t = performance.now();
    await pinger.ping();
    out.maxPingMs = Math.max(out.maxPingMs, performance.now() - t);
    out.pings++;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await running;
  return out;
}
