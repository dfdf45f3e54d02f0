// Another process may publish a new version of the index a server answers from: `sanad index`, or
// another server's reindex, writing into the same Solr collection. Solr answers every query from
// its latest commit, but a snapshot keeps what it read when it was opened (the counts BM25 scores
// with, document metadata, the ids behind "did you mean"), so a server that went on serving its
// old snapshot would mix two versions until its own next reindex. The follower polls the published
// version (one small read) and hands a newly opened snapshot to the server when it has changed.
import type { IndexSnapshot } from '../backend/snapshot.ts';

export const DEFAULT_PUBLISHED_POLL_MS = 2000;

export interface FollowOptions {
  /** The version a fresh `open` would serve (IndexStorage.publishedVersion). */
  publishedVersion(): Promise<string | null>;
  /** Opens the published version (IndexStorage.open). */
  open(): Promise<IndexSnapshot>;
  /** Time between two polls (each waits for the previous one to end). */
  intervalMs: number;
  /** The snapshot served now. */
  served(): IndexSnapshot;
  /** While true (the server builds itself, or closes) polls are skipped: its own build swaps in what it publishes. */
  busy(): boolean;
  /** Serves `snapshot` from now on; it holds another version than the one served when the check began. */
  adopt(snapshot: IndexSnapshot): void;
  log(line: string): void;
}

export interface Follower {
  /** One poll now: resolves true when a newer snapshot was adopted. */
  check(): Promise<boolean>;
  stop(): void;
}

export function followPublished(opts: FollowOptions): Follower {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<boolean> | null = null;
  /** The last poll failure reported, so an outage is logged once, not every poll. */
  let failing: string | null = null;

  const poll = async (): Promise<boolean> => {
    if (opts.busy()) return false;
    const served = opts.served();
    const version = await opts.publishedVersion();
    if (version === null || version === served.info().version || opts.busy() || stopped) return false;
    const snapshot = await opts.open();
    // A build of this server may have swapped in its own version meanwhile: that one is served.
    if (opts.served() !== served || opts.busy() || stopped || snapshot.info().version === served.info().version) {
      snapshot.retire();
      return false;
    }
    opts.adopt(snapshot);
    return true;
  };

  const check = (): Promise<boolean> => {
    running ??= poll()
      .then(
        (adopted) => {
          if (failing !== null) opts.log('the index\'s published version can be read again');
          failing = null;
          return adopted;
        },
        (err: unknown) => {
          const message = err instanceof Error ? err.message : String(err);
          if (message !== failing) opts.log(`could not check for a version published by another process (${message}); still serving ${opts.served().info().version}`);
          failing = message;
          return false;
        },
      )
      .finally(() => {
        running = null;
      });
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void check().then(schedule);
    }, opts.intervalMs);
    // Polling alone must not keep a process alive.
    timer.unref();
  };
  schedule();

  return {
    check,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
