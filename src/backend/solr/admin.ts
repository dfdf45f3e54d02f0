// Setting up a collection for sanad: upload the configset shipped in solr/configset, create the
// collection with the embedding dimension as a collection property, and record the embedding
// space in the collection's manifest record so no other space can write into it later.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeSpace, spaceMismatch, type EmbeddingSpace } from '../../store/manifest.ts';
import type { SolrClient } from './client.ts';
import { readManifest, writeManifest, emptyManifest, type SolrManifest } from './manifest-record.ts';
import { zipStore, type ZipEntry } from './zip.ts';

/** The configset folder shipped with sanad (its `conf/` holds solrconfig.xml and schema.xml). */
export const CONFIGSET_DIR = fileURLToPath(new URL('../../../solr/configset/conf/', import.meta.url));
export const DEFAULT_CONFIGSET = 'sanad';

export interface InitOptions {
  collection: string;
  shards: number;
  replicas: number;
  configName?: string;
  space: EmbeddingSpace;
  log?: (line: string) => void;
}

export interface InitResult {
  collection: string;
  created: boolean;
  configName: string;
  shards: number;
  replicas: number;
  manifest: SolrManifest;
}

export class CollectionMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CollectionMismatchError';
  }
}

/**
 * Creates the collection (idempotent: an existing sanad collection of the same embedding space is
 * left as it is). Refuses a collection that holds another space or is not sanad's.
 */
export async function initCollection(client: SolrClient, opts: InitOptions): Promise<InitResult> {
  const log = opts.log ?? (() => {});
  const configName = opts.configName ?? DEFAULT_CONFIGSET;
  checkName(opts.collection, 'collection');
  checkName(configName, 'configset');
  const existing = await listCollections(client);
  if (existing.includes(opts.collection)) {
    let manifest = await readManifest(client, opts.collection);
    if (!manifest) manifest = await adoptCollection(client, opts.collection, opts.space, log);
    assertSameSpace(opts.collection, manifest, opts.space);
    const shape = await collectionShape(client, opts.collection);
    log(`collection "${opts.collection}" already exists for ${describeSpace(opts.space)}; left unchanged`);
    return { collection: opts.collection, created: false, configName: shape.configName, shards: shape.shards, replicas: shape.replicas, manifest };
  }
  log(`uploading configset "${configName}" from ${CONFIGSET_DIR}`);
  await uploadConfigset(client, configName);
  log(`creating collection "${opts.collection}": ${opts.shards} shards × ${opts.replicas} replicas, vectors of dimension ${opts.space.dimension}`);
  await client.request('admin/collections', {
    params: {
      action: 'CREATE',
      name: opts.collection,
      'collection.configName': configName,
      numShards: opts.shards,
      replicationFactor: opts.replicas,
      'property.sanad.vector.dimension': opts.space.dimension,
      waitForFinalState: true,
    },
    timeoutMs: 180_000,
  }).catch(async (err: unknown) => {
    // A retried CREATE whose first attempt went through reports "already exists": that is success.
    if ((await listCollections(client)).includes(opts.collection)) return;
    throw err;
  });
  const manifest = emptyManifest(opts.space);
  await writeManifest(client, opts.collection, manifest);
  return { collection: opts.collection, created: true, configName, shards: opts.shards, replicas: opts.replicas, manifest };
}

/**
 * A collection created by hand from sanad's configset (or whose `init` was interrupted before the
 * manifest was written): takes it over when its vector field fits the model and it holds nothing.
 */
async function adoptCollection(client: SolrClient, collection: string, space: EmbeddingSpace, log: (line: string) => void): Promise<SolrManifest> {
  const notOurs = (why: string) =>
    new CollectionMismatchError(
      `collection "${collection}" exists but is not a sanad collection (${why}). Pick another --collection name, or create it from solr/configset`,
    );
  const type = await client
    .request<{ fieldType?: { vectorDimension?: number | string } }>(`${collection}/schema/fieldtypes/sanad_vector`, { method: 'GET' })
    .catch(() => null);
  const dimension = Number(type?.fieldType?.vectorDimension);
  if (!type?.fieldType) throw notOurs('its schema has no sanad_vector field type');
  if (dimension !== space.dimension) {
    throw new CollectionMismatchError(
      `collection "${collection}" has vectors of dimension ${dimension} but ${describeSpace(space)} has ${space.dimension}; ` +
        'create it with the property sanad.vector.dimension=' + String(space.dimension) + ', or let `sanad solr init` create a new one',
    );
  }
  const count = await client.request<{ response?: { numFound?: number } }>(`${collection}/select`, { params: { q: '*:*', rows: 0 } });
  if ((count.response?.numFound ?? 0) > 0) throw notOurs('it holds records but no sanad manifest');
  log(`collection "${collection}" uses sanad's configset; recording ${describeSpace(space)} in it`);
  const manifest = emptyManifest(space);
  await writeManifest(client, collection, manifest);
  return manifest;
}

/** Refuses writing or searching `collection` with vectors of another space. */
export function assertSameSpace(collection: string, manifest: SolrManifest, space: EmbeddingSpace | null): void {
  const have = manifest.embedding;
  if (!have || !space) return;
  const why = spaceMismatch(have, space);
  if (why) {
    throw new CollectionMismatchError(
      `collection "${collection}" holds vectors of ${describeSpace(have)} but the configured embedder is ${describeSpace(space)} (${why}); ` +
        'use the collection\'s own model (drop the model flags), or create another collection with `sanad solr init --collection NEW`',
    );
  }
}

export async function uploadConfigset(client: SolrClient, configName: string): Promise<void> {
  const names = (await readdir(CONFIGSET_DIR)).sort();
  const entries: ZipEntry[] = [];
  for (const name of names) entries.push({ name, data: await readFile(path.join(CONFIGSET_DIR, name)) });
  await client.request('admin/configs', {
    params: { action: 'UPLOAD', name: configName, overwrite: true, cleanup: true },
    body: zipStore(entries),
    contentType: 'application/octet-stream',
  });
}

export async function listCollections(client: SolrClient): Promise<string[]> {
  const res = await client.request<{ collections?: string[] }>('admin/collections', { params: { action: 'LIST' }, method: 'GET' });
  return res.collections ?? [];
}

export interface CollectionShape {
  configName: string;
  shards: number;
  replicas: number;
  /** Per shard, the replicas and whether each is active on a live node. */
  shardStates: Array<{ name: string; replicas: Array<{ core: string; node: string; state: string; leader: boolean }> }>;
}

export async function collectionShape(client: SolrClient, collection: string): Promise<CollectionShape> {
  const res = await client.request<ClusterStatus>('admin/collections', { params: { action: 'CLUSTERSTATUS', collection }, method: 'GET' });
  const state = res.cluster?.collections?.[collection];
  if (!state) throw new Error(`collection "${collection}" does not exist on ${client.describe()}; create it with \`sanad solr init --collection ${collection}\``);
  const live = new Set(res.cluster?.live_nodes ?? []);
  const shardStates = Object.entries(state.shards ?? {}).map(([name, shard]) => ({
    name,
    replicas: Object.values(shard.replicas ?? {}).map((r) => ({
      core: r.core ?? '',
      node: r.node_name ?? '',
      state: live.has(r.node_name ?? '') ? (r.state ?? 'unknown') : 'down',
      leader: r.leader === 'true',
    })),
  }));
  return {
    configName: state.configName ?? '',
    shards: shardStates.length,
    replicas: Math.max(0, ...shardStates.map((s) => s.replicas.length)),
    shardStates,
  };
}

interface ClusterStatus {
  cluster?: {
    live_nodes?: string[];
    collections?: Record<
      string,
      {
        configName?: string;
        shards?: Record<string, { replicas?: Record<string, { core?: string; node_name?: string; state?: string; leader?: string }> }>;
      }
    >;
  };
}

function checkName(name: string, what: string): void {
  // Solr's own rule for collection and configset names.
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/u.test(name)) {
    throw new Error(`${what} name "${name}" may use only letters, digits, '.', '_' and '-', and not start with '.' or '-'`);
  }
}
