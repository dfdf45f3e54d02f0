// `npm run solr:dev`: a local 3-node SolrCloud for development. Prints the --solr-url to use and
// keeps running until Ctrl-C (or until its stdin closes, when started by another program).
import { parseArgs } from 'node:util';
import { LocalCluster } from './local-cluster.ts';

const { values } = parseArgs({
  options: { nodes: { type: 'string' }, heap: { type: 'string' }, dir: { type: 'string' } },
  strict: true,
});
const cluster = await LocalCluster.start({
  nodes: values.nodes ? Number(values.nodes) : 3,
  ...(values.heap ? { heap: values.heap } : {}),
  ...(values.dir ? { dir: values.dir } : {}),
});
const urls = cluster.urls().join(',');
console.error(`
Solr nodes:  ${urls}
ZooKeeper:   ${cluster.zkHost}
logs:        ${cluster.dir}

Next:
  npx sanad solr init --solr-url ${urls} --collection sanad
  npx sanad index --solr-url ${urls} --collection sanad
  npx sanad serve --solr-url ${urls} --collection sanad
(or --solr-url ${cluster.zkHost}). Ctrl-C stops the cluster.`);
process.stdout.write(`${JSON.stringify({ urls: cluster.urls(), zkHost: cluster.zkHost, dir: cluster.dir })}\n`);

await new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
  process.stdin.once('end', () => resolve());
  process.stdin.resume();
});
await cluster.stop();
