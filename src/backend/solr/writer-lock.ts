// One writer at a time per collection, across processes and machines: a lock record created with
// Solr's optimistic concurrency (`_version_` -1 = must not exist yet), refreshed while the build
// runs and deleted at the end. A lock whose holder died expires, so the next writer takes it over.
import { hostname } from 'node:os';
import { SolrError, type SolrClient } from './client.ts';

const LOCK_ID = 'sanad:writer-lock';
const TTL_MS = 5 * 60_000;
const REFRESH_MS = 60_000;

export class CollectionLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CollectionLockedError';
  }
}

interface LockDoc {
  owner?: string;
  expires?: number;
  _version_?: number;
}

export interface CollectionLock {
  release(): Promise<void>;
}

export async function acquireCollectionLock(client: SolrClient, collection: string): Promise<CollectionLock> {
  const owner = `${hostname()}:${process.pid}:${Date.now()}`;
  const write = (version: number) =>
    client.request(`${collection}/update`, {
      params: { versions: true },
      json: [{ id: LOCK_ID, type: 'lock', meta: JSON.stringify({ owner, expires: Date.now() + TTL_MS }), _version_: version }],
    });
  try {
    await write(-1);
  } catch (err) {
    if (!(err instanceof SolrError) || err.status !== 409) throw err;
    const held = await current(client, collection);
    // A retried create whose first attempt went through finds our own lock.
    if (held?.owner === owner) return holding(client, collection, owner, write);
    if (held && (held.expires ?? 0) > Date.now()) {
      throw new CollectionLockedError(
        `collection "${collection}" is being reindexed by another sanad process (${held.owner ?? 'unknown'}); try again when it has finished`,
      );
    }
    // Expired (its writer died) or gone meanwhile: take it over, atomically.
    try {
      await write(held?._version_ ?? -1);
    } catch (again) {
      if (again instanceof SolrError && again.status === 409) {
        throw new CollectionLockedError(`collection "${collection}" was just locked by another sanad process; try again when it has finished`);
      }
      throw again;
    }
  }
  return holding(client, collection, owner, write);
}

function holding(client: SolrClient, collection: string, owner: string, write: (version: number) => Promise<unknown>): CollectionLock {
  const timer = setInterval(() => {
    current(client, collection)
      .then((held) => (held?.owner === owner ? write(held._version_ ?? -1) : undefined))
      .catch(() => {
        // A missed refresh is retried a minute later; the lock lasts five.
      });
  }, REFRESH_MS);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await client.request(`${collection}/update`, { json: { delete: { id: LOCK_ID } } });
    },
  };
}

/** The lock as the latest update left it, committed or not (real-time get). */
async function current(client: SolrClient, collection: string): Promise<LockDoc | null> {
  const res = await client.request<{ doc?: { meta?: string; _version_?: number } | null }>(`${collection}/get`, {
    params: { id: LOCK_ID, fl: 'meta,_version_' },
  });
  if (!res.doc?.meta) return null;
  return { ...(JSON.parse(res.doc.meta) as LockDoc), ...(res.doc._version_ !== undefined ? { _version_: res.doc._version_ } : {}) };
}
