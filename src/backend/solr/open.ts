// What the commands need to work on a Solr collection: a client for the cluster, the collection's
// manifest (its embedding space picks the embedder, as an index folder's manifest does), and the
// storage a server rebuilds into.
import type { IndexStorage } from '../storage.ts';
import { parseSolrTarget, SolrClient } from './client.ts';
import { readManifest, type SolrManifest } from './manifest-record.ts';
import { solrStorage } from './storage.ts';

export interface OpenedCollection {
  client: SolrClient;
  collection: string;
  manifest: SolrManifest;
  storage: IndexStorage;
}

export async function openCollection(solrUrl: string, collection: string, log: (line: string) => void): Promise<OpenedCollection> {
  const client = new SolrClient({ target: parseSolrTarget(solrUrl), log });
  const manifest = await readManifest(client, collection);
  if (!manifest) {
    throw new Error(`collection "${collection}" on ${client.describe()} holds no sanad manifest; create it with \`sanad solr init --collection ${collection}\``);
  }
  return { client, collection, manifest, storage: solrStorage(client, collection) };
}
