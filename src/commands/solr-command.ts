// `sanad solr init|status`: create sanad's collection on a SolrCloud cluster (configset upload,
// collection with the embedding dimension), and report its shards, replicas and manifest.
import { collectionShape, initCollection } from '../backend/solr/admin.ts';
import { parseSolrTarget, SolrClient } from '../backend/solr/client.ts';
import { readManifest } from '../backend/solr/manifest-record.ts';
import { embedderForBuild } from '../embed/for-index.ts';
import { probeSpace } from '../indexer/embed-new.ts';
import { describeSpace } from '../store/manifest.ts';
import { BACKEND_HELP, BACKEND_OPTIONS, CliError, EMBEDDER_HELP, EMBEDDER_OPTIONS, embedderFlags, intFlag, parseFlags, resolveBackend } from './cli-args.ts';

const HELP = `usage: sanad solr init [--solr-url URL|ZKHOST] [--collection NAME] [--shards N] [--replicas N]
                       [--configset NAME] [--model ID|PATH] [--json]
       sanad solr status [--solr-url URL|ZKHOST] [--collection NAME] [--json]

init uploads sanad's configset (solr/configset) and creates the collection with N shards of M
replicas and a vector field of the embedding model's dimension (the model is loaded once to read
it). Running it again on the same collection changes nothing; a collection made for another
embedding model is refused. Then index into it: sanad index --backend solr --solr-url … .

status prints the collection's shards and replicas (state, leader, node) and its manifest.

  --shards N       shards (default 2)
  --replicas N     replicas of each shard (default 2)
  --configset NAME name of the uploaded configset (default sanad)
  --json           print the result as JSON on stdout

${BACKEND_HELP}

${EMBEDDER_HELP}`;

export const solrCommand = {
  summary: 'create or inspect the Solr collection',
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
      ...BACKEND_OPTIONS,
      ...EMBEDDER_OPTIONS,
      shards: { type: 'string' },
      replicas: { type: 'string' },
      configset: { type: 'string' },
      json: { type: 'boolean' },
    });
    const action = positionals[0];
    if (values.help || action === undefined) {
      process.stdout.write(`${HELP}\n`);
      return values.help ? 0 : 2;
    }
    if (positionals.length > 1) throw new CliError(`unexpected argument "${positionals[1]}"`);
    const backend = resolveBackend({ ...values, backend: values.backend ?? 'solr' }, process.env);
    if (backend.kind !== 'solr') throw new CliError('sanad solr works on the solr backend only');
    const log = (line: string) => console.error(line);
    const client = new SolrClient({ target: parseSolrTarget(backend.solrUrl), log });
    const print = (value: unknown, text: string) => {
      if (values.json) process.stdout.write(`${JSON.stringify(value)}\n`);
      else console.error(text);
    };

    if (action === 'status') {
      const shape = await collectionShape(client, backend.collection);
      const manifest = await readManifest(client, backend.collection);
      const lines = [
        `collection ${backend.collection}: ${shape.shards} shards × ${shape.replicas} replicas, configset ${shape.configName}`,
        ...shape.shardStates.flatMap((s) => s.replicas.map((r) => `  ${s.name} ${r.core} on ${r.node}: ${r.state}${r.leader ? ' (leader)' : ''}`)),
        manifest
          ? `manifest ${manifest.version}: ${manifest.counts.documents} documents, ${manifest.counts.passages} passages, ${manifest.embedding ? describeSpace(manifest.embedding) : 'lexical-only'}`
          : 'no sanad manifest in this collection',
      ];
      print({ collection: backend.collection, ...shape, manifest }, lines.join('\n'));
      return 0;
    }
    if (action !== 'init') throw new CliError(`unknown action "${action}"; use init or status`);

    const shards = intFlag(values.shards, 'shards', 2, 1, 1024);
    const replicas = intFlag(values.replicas, 'replicas', 2, 1, 16);
    const chosen = embedderForBuild({ flags: embedderFlags(values), env: process.env, onLog: log });
    try {
      const probed = await probeSpace({ embedder: chosen.embedder, ...(chosen.baseUrl ? { baseUrl: chosen.baseUrl } : {}) }, null, log);
      if (!probed.space) {
        throw new CliError(
          `the embedding model could not be loaded (${probed.unavailable ?? 'unknown reason'}); sanad solr init needs it to size the vector field. ` +
            'Point --model at a local model folder (see README, Offline and other models)',
          1,
        );
      }
      const result = await initCollection(client, {
        collection: backend.collection,
        shards,
        replicas,
        ...(values.configset ? { configName: values.configset } : {}),
        space: probed.space,
        log,
      });
      print(
        result,
        `${result.created ? 'created' : 'kept'} collection ${result.collection} (${result.shards} shards × ${result.replicas} replicas, configset ${result.configName}) ` +
          `for ${describeSpace(probed.space)}, dimension ${probed.space.dimension}`,
      );
      return 0;
    } finally {
      await chosen.embedder.close?.();
    }
  },
};
