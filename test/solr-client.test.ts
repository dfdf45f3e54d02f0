// The Solr client tells a cluster in trouble (retried on another node, later) from a request Solr
// refuses for what it is (fails at once, with Solr's own explanation). The bodies below are Solr
// 9.10's answers as the local cluster gave them (malformed records, the clause limit, a missing
// collection) and the shapes it uses for trouble (ZooKeeper, leaders, a node gone); the client
// runs against a fake node over real HTTP.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { SolrClient, SolrError } from '../src/backend/solr/client.ts';
import { judgeFailure } from '../src/backend/solr/errors.ts';

const solrError = (code: number, msg: string, metadata?: string[], trace?: string) =>
  JSON.stringify({ responseHeader: { status: code, QTime: 3 }, error: { ...(metadata ? { metadata } : {}), msg, ...(trace ? { trace } : {}), code } });

const ASYNC = ['error-class', 'org.apache.solr.common.SolrException', 'root-error-class', 'org.apache.solr.common.SolrException', 'error-class', 'org.apache.solr.update.processor.DistributedUpdateProcessor$DistributedUpdatesAsyncException', 'root-error-class', 'org.apache.solr.update.processor.DistributedUpdateProcessor$DistributedUpdatesAsyncException'];

const BODIES = {
  /** A vector record of the wrong dimension, refused by the replica on another node. */
  badVector: solrError(
    500,
    "Async exception during distributed update: Error from server at http://127.0.0.1:33711/solr: null\n\n\n\nrequest: http://127.0.0.1:33711/solr\nRemote error message: ERROR: [doc=x3] Error adding field 'vector'='[1, 2, 3]' msg=Error while creating field 'vector{type=sanad_vector,properties=indexed,stored}' from value '[1, 2, 3]'",
    ASYNC,
    'org.apache.solr.update.processor.DistributedUpdateProcessor$DistributedUpdatesAsyncException: Async exception during distributed update\n\tat org.apache.solr.update.processor.DistributedZkUpdateProcessor.doDistribFinish(DistributedZkUpdateProcessor.java:1351)',
  ),
  /** A boolean query over 1,024 clauses. */
  tooManyClauses: solrError(
    500,
    'maxClauseCount is set to 1024',
    undefined,
    'org.apache.lucene.search.IndexSearcher$TooManyClauses: maxClauseCount is set to 1024\n\tat org.apache.lucene.search.BooleanQuery$Builder.add(BooleanQuery.java:116)\n\tat org.apache.solr.search.join.FiltersQParser.parseImpl(FiltersQParser.java:62)',
  ),
  /** A value of the wrong type deep in an update (no message, only the trace's headline). */
  classCast: solrError(
    500,
    'class java.util.LinkedHashMap cannot be cast to class java.lang.String',
    undefined,
    'java.lang.ClassCastException: class java.util.LinkedHashMap cannot be cast to class java.lang.String\n\tat org.apache.solr.schema.StrField.createFields(StrField.java:61)',
  ),
  /** A record whose text mentions ZooKeeper is still a malformed record. */
  badRecordQuotingTrouble: solrError(500, "ERROR: [doc=a#p1] Error adding field 'pos'='zookeeper timed out' msg=For input string: \"zookeeper timed out\"", ['error-class', 'org.apache.solr.common.SolrException', 'root-error-class', 'java.lang.NumberFormatException']),
  unknownField: solrError(400, "ERROR: [doc=x5] unknown field 'nosuch'", ['error-class', 'org.apache.solr.common.SolrException', 'root-error-class', 'org.apache.solr.common.SolrException']),
  noLeader: solrError(503, 'No registered leader was found after waiting for 4000ms , collection: chaos slice: shard1 saw state=DocCollection(chaos//collections/chaos/state.json/12)'),
  zkSession: solrError(
    500,
    'KeeperErrorCode = Session expired for /collections/chaos/state.json',
    ['error-class', 'org.apache.solr.common.SolrException', 'root-error-class', 'org.apache.zookeeper.KeeperException$SessionExpiredException'],
  ),
  deadReplica: solrError(
    500,
    'Async exception during distributed update: Error from server at http://127.0.0.1:40949/solr/chaos_shard2_replica_n3: IOException occurred when talking to server at: http://127.0.0.1:40949/solr/chaos_shard2_replica_n3',
    ASYNC,
  ),
  closingCore: solrError(500, 'Async exception during distributed update: Error from server at http://127.0.0.1:40949/solr: null\n\nRemote error message: ERROR: [doc=d#p4] Exception writing document id d#p4 to the index; possible analysis error: this IndexWriter is closed', ASYNC),
  unexplained: solrError(500, 'java.lang.NullPointerException', ['error-class', 'java.lang.NullPointerException', 'root-error-class', 'java.lang.NullPointerException']),
  jetty404:
    '<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html;charset=ISO-8859-1"/>\n<title>Error 404 Can not find: /solr/nosuch/select</title>\n</head>\n<body><h2>HTTP ERROR 404 Can not find: /solr/nosuch/select</h2></body>\n</html>\n',
};

describe('judgeFailure', () => {
  it('fails at once on requests Solr refuses for what they are, with the part of the message that explains it', () => {
    assert.deepEqual(judgeFailure(500, BODIES.badVector), {
      retry: false,
      nodeFault: false,
      message: "ERROR: [doc=x3] Error adding field 'vector'='[1, 2, 3]' msg=Error while creating field 'vector{type=sanad_vector,properties=indexed,stored}' from value '[1, 2, 3]'",
    });
    assert.deepEqual(judgeFailure(500, BODIES.tooManyClauses), { retry: false, nodeFault: false, message: 'maxClauseCount is set to 1024' });
    assert.equal(judgeFailure(500, BODIES.classCast).retry, false);
    assert.equal(judgeFailure(500, BODIES.badRecordQuotingTrouble).retry, false);
    assert.equal(judgeFailure(400, BODIES.unknownField).retry, false);
    assert.deepEqual(judgeFailure(404, BODIES.jetty404), { retry: false, nodeFault: false, message: 'Error 404 Can not find: /solr/nosuch/select' });
  });

  it('retries a cluster in trouble: gateways, leaders, ZooKeeper, a replica gone or closing, and causes it does not recognise', () => {
    for (const status of [502, 503, 504]) assert.deepEqual(judgeFailure(status, 'Bad Gateway'), { retry: true, nodeFault: true, message: '' });
    assert.deepEqual(judgeFailure(503, BODIES.noLeader), {
      retry: true,
      nodeFault: true,
      message: 'No registered leader was found after waiting for 4000ms , collection: chaos slice: shard1 saw state=DocCollection(chaos//collections/chaos/state.json/12)',
    });
    assert.equal(judgeFailure(429, '').retry, true);
    for (const body of [BODIES.zkSession, BODIES.deadReplica, BODIES.closingCore, BODIES.unexplained, 'not json at all']) {
      assert.deepEqual(judgeFailure(500, body).retry, true, body.slice(0, 80));
    }
  });
});

/** A fake Solr node answering /solr/c/select from a script of (status, body) pairs, the last one repeated. */
async function fakeNode(script: Array<[number, string]>): Promise<{ url: string; calls: () => number; server: Server }> {
  let calls = 0;
  const server = createServer((req, res) => {
    if (!req.url?.startsWith('/solr/c/select')) {
      res.writeHead(404).end();
      return;
    }
    const [status, body] = script[Math.min(calls, script.length - 1)] ?? [200, '{}'];
    calls++;
    res.writeHead(status, { 'content-type': body.startsWith('{') ? 'application/json' : 'text/html' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/solr`, calls: () => calls, server };
}

const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

const OK = JSON.stringify({ responseHeader: { status: 0 }, response: { numFound: 0, docs: [] } });
const client = (urls: string[], retryBudgetMs = 30_000) => new SolrClient({ target: { urls }, retryBaseMs: 1, retryBudgetMs, refreshMs: 60_000 });

describe('SolrClient', () => {
  it('reports a malformed record after one attempt, with Solr\'s explanation', async () => {
    const node = await fakeNode([[500, BODIES.badVector]]);
    const c = client([node.url]);
    await assert.rejects(c.request('c/select'), (err: unknown) => {
      assert.ok(err instanceof SolrError);
      assert.equal(err.status, 500);
      assert.equal(
        err.message,
        "Solr failed on c/select because of the request itself, so it was not retried (HTTP 500: ERROR: [doc=x3] Error adding field 'vector'='[1, 2, 3]' msg=Error while creating field 'vector{type=sanad_vector,properties=indexed,stored}' from value '[1, 2, 3]')",
      );
      return true;
    });
    assert.equal(node.calls(), 1);
    assert.equal(c.retries, 0);
  });

  it('refuses a 4xx at once', async () => {
    const node = await fakeNode([[400, BODIES.unknownField]]);
    await assert.rejects(client([node.url]).request('c/select'), /^SolrError: Solr refused c\/select \(HTTP 400: ERROR: \[doc=x5\] unknown field 'nosuch'\)$/u);
    assert.equal(node.calls(), 1);
  });

  it('retries through a leader election and a ZooKeeper session loss until the cluster answers', async () => {
    const node = await fakeNode([
      [503, BODIES.noLeader],
      [500, BODIES.zkSession],
      [500, BODIES.deadReplica],
      [200, OK],
    ]);
    const c = client([node.url]);
    const res = await c.request<{ response: { numFound: number } }>('c/select');
    assert.equal(res.response.numFound, 0);
    assert.equal(node.calls(), 4);
    assert.equal(c.retries, 3);
  });

  it('moves on to another node when one refuses connections', async () => {
    const dead = await fakeNode([[200, OK]]);
    await new Promise<void>((resolve) => dead.server.close(() => resolve()));
    const live = await fakeNode([[200, OK]]);
    const c = client([dead.url, live.url]);
    for (let i = 0; i < 4; i++) await c.request('c/select');
    assert.equal(live.calls(), 4);
    assert.ok(c.retries >= 1, 'the dead node was tried once and skipped afterwards');
  });

  it('gives up on lasting trouble when the budget runs out, saying how often it tried', async () => {
    const node = await fakeNode([[503, BODIES.noLeader]]);
    await assert.rejects(client([node.url], 150).request('c/select'), (err: unknown) => {
      assert.ok(err instanceof SolrError);
      assert.match(err.message, /^Solr request c\/select failed after \d+ attempts in 0 s: http:\/\/127\.0\.0\.1:\d+\/solr: HTTP 503: No registered leader was found/u);
      return true;
    });
    assert.ok(node.calls() >= 2);
  });
});
