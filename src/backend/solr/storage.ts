// A SolrCloud collection as a server's index: snapshots are the collection's committed versions
// (named by its manifest record), builds are the incremental Solr writer, and the manifest
// record's version field tells a server that another process has published.
import { IndexSnapshot } from '../snapshot.ts';
import type { IndexStorage, StorageBuildOptions } from '../storage.ts';
import type { SolrClient } from './client.ts';
import { publishedVersion } from './manifest-record.ts';
import { SolrBackend } from './solr-backend.ts';
import { buildSolrIndex } from './writer.ts';
import { CollectionLockedError } from './writer-lock.ts';

export function solrStorage(client: SolrClient, collection: string): IndexStorage {
  return {
    location: `solr collection ${collection} at ${client.describe()}`,
    open: async () => new IndexSnapshot(await SolrBackend.open(client, collection)),
    build: (opts: StorageBuildOptions) => buildSolrIndex({ ...opts, client, collection }),
    isLocked: (err) => err instanceof CollectionLockedError,
    publishedVersion: () => publishedVersion(client, collection),
  };
}
