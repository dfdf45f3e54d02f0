// A work budget for one request: loops that grow with the client's input or the corpus call
// `spend` with the work they are about to do, and the request stops with a clear error (what to
// shorten) once it has used its share, instead of holding the only thread for seconds. Between
// steps, `pause` hands the event loop to other requests (a ping, another session's search) when
// the request has run for a while without a break.
// Work is counted in abstract units (roughly characters compared) so that tests can force the
// limit deterministically; the wall clock is checked too, because a unit's cost varies by machine.

export class BudgetExceededError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BudgetExceededError';
  }
}

export interface WorkBudget {
  /** Records `units` of work; throws BudgetExceededError once the budget is used up. */
  spend(units: number): void;
  /** Units spent so far. */
  readonly spent: number;
  /** Lets other work run (one event-loop turn) if this request has held the thread for `SLICE_MS`. */
  pause(): Promise<void>;
  /**
   * Awaits I/O (a remote backend's answer) without counting its time against the deadline: the
   * budget bounds the work a request does on this thread, and a request waiting holds no thread.
   */
  waiting<T>(io: Promise<T>): Promise<T>;
}

/** Longest stretch a request keeps the event loop before `pause` yields it. */
export const SLICE_MS = 20;

/** One event-loop turn: timers and I/O (other requests) run before the caller goes on. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface BudgetOptions {
  /** Most units of work; default unlimited. */
  units?: number;
  /** Most wall-clock milliseconds from creation; default unlimited. */
  ms?: number;
  /** The error message: what ran out and what to do about it. */
  message: string;
}

/** The clock is read at most once per this many units (reading it costs more than a unit). */
const CLOCK_EVERY = 20_000;

export function workBudget(opts: BudgetOptions): WorkBudget {
  const maxUnits = opts.units ?? Infinity;
  let deadline = opts.ms === undefined ? Infinity : performance.now() + opts.ms;
  let spent = 0;
  let nextClock = CLOCK_EVERY;
  let sliceStart = performance.now();
  return {
    async pause() {
      if (performance.now() - sliceStart < SLICE_MS) return;
      await nextTurn();
      sliceStart = performance.now();
      if (sliceStart > deadline) throw new BudgetExceededError(opts.message);
    },
    spend(units: number) {
      spent += units;
      if (spent > maxUnits) throw new BudgetExceededError(opts.message);
      if (spent >= nextClock) {
        nextClock = spent + CLOCK_EVERY;
        if (performance.now() > deadline) throw new BudgetExceededError(opts.message);
      }
    },
    get spent() {
      return spent;
    },
    async waiting<T>(io: Promise<T>): Promise<T> {
      const started = performance.now();
      try {
        return await io;
      } finally {
        const waited = performance.now() - started;
        deadline += waited;
        sliceStart += waited;
      }
    },
  };
}

/** A budget that never runs out (the default for callers that do not set one). */
export const UNLIMITED: WorkBudget = {
  spend() {},
  get spent() {
    return 0;
  },
  pause: () => Promise.resolve(),
  waiting: (io) => io,
};
