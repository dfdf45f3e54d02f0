// Which failed Solr answers are worth another attempt. A cluster in trouble (a node dying or
// restarting, a leader election, ZooKeeper unreachable) answers 502/503/504, times out, drops
// the connection, or answers 500 with the cause inside (a sub-request to a dead node, no leader
// yet): another node or a moment later may succeed, so those are retried. A request Solr cannot
// accept (4xx; or a 500 whose cause is the request itself: a record that does not fit a field,
// too many query clauses, a value of the wrong type) fails the same way on every node every
// time: retrying it only makes the caller wait out the whole retry budget for the same message.
//
// A 500 whose cause is recognised as neither is retried: waiting on a malformed request costs
// time, giving up on a recovering cluster fails a request that would have succeeded.

export interface FailureVerdict {
  /** Another attempt (elsewhere, later) may succeed. */
  retry: boolean;
  /** The node itself looks unhealthy (skip it for a while), not just this request. */
  nodeFault: boolean;
  /** What Solr said, shortened to the part that explains it. */
  message: string;
}

interface SolrErrorBody {
  error?: { msg?: unknown; trace?: unknown; metadata?: unknown; code?: unknown };
}

/**
 * Exception classes that mean "this request is wrong": the value or query does not fit (Lucene's
 * clause limit, a failed cast or number parse, an argument the schema refuses, query syntax).
 */
const BAD_REQUEST_CLASS =
  /^(?:java\.lang\.(?:ClassCastException|NumberFormatException|IllegalArgumentException|UnsupportedOperationException)|org\.apache\.lucene\.search\.IndexSearcher\$TooMany(?:Nested)?Clauses|org\.apache\.lucene\.search\.BooleanQuery\$TooManyClauses|org\.apache\.solr\.search\.SyntaxError|org\.apache\.solr\.parser\.ParseException|org\.apache\.lucene\.queryparser\.classic\.ParseException)$/u;

/**
 * Messages Solr gives when a record or query is refused: per-document indexing errors (also when
 * the replica that refused it is another node, "Remote error message: ERROR: [doc=…] …"), unknown
 * fields, the clause limit, a vector of the wrong dimension.
 */
const BAD_REQUEST_MESSAGE =
  /Error adding field|unknown field|undefined field|missing required field|maxClauseCount|too many (?:nested )?clauses|incorrect vector dimension|can not sort on|sort param field can't be found/iu;

/**
 * Causes of a cluster in trouble, as exception classes (in the metadata or trace, or named in the
 * message of a sub-request that failed on another node): ZooKeeper, a node unreachable or
 * closing its cores, a timeout.
 */
const TROUBLE_CAUSE =
  /KeeperException|ConnectException|SocketException|SocketTimeoutException|NoRouteToHostException|EofException|ClosedChannelException|OutOfMemoryError|SolrServerException|IOException|TimeoutException|NoHttpResponseException|RejectedExecutionException|AlreadyClosedException|IndexWriter is closed|SolrCoreState already closed/u;

/** Messages of a cluster in trouble (leaders, replicas not ready, nodes gone). */
const TROUBLE_MESSAGE =
  /zookeeper|no registered leader|leader (?:is|not|election)|not the leader|no servers hosting|no active replicas?|is not active|recovering|Connection refused|Connection reset|timed? ?out|IOException occurred when talking to server|No live SolrServers|shutting down|Server refused connection|Updates are disabled/iu;

/** How to treat an HTTP answer that is not a success (`status` ≥ 400), given its body. */
export function judgeFailure(status: number, body: string): FailureVerdict {
  const parsed = parseBody(body);
  const full = fullMessage(parsed, body);
  const message = explain(full);
  if (status === 502 || status === 503 || status === 504) return { retry: true, nodeFault: true, message };
  if (status === 408 || status === 429) return { retry: true, nodeFault: false, message };
  if (status < 500) return { retry: false, nodeFault: false, message };
  const causes = exceptionClasses(parsed);
  // In this order: a record's own error ("[doc=…]") quotes its values, which may contain any word;
  // only a trouble's exception class outranks it (a core closing refuses records too).
  if (causes.some((c) => TROUBLE_CAUSE.test(c)) || TROUBLE_CAUSE.test(full)) return { retry: true, nodeFault: false, message };
  if (/\[doc=[^\]]*\]/u.test(full) || causes.some((c) => BAD_REQUEST_CLASS.test(c))) return { retry: false, nodeFault: false, message };
  if (TROUBLE_MESSAGE.test(full)) return { retry: true, nodeFault: false, message };
  return { retry: !BAD_REQUEST_MESSAGE.test(full), nodeFault: false, message };
}

function parseBody(body: string): SolrErrorBody | null {
  try {
    const json = JSON.parse(body) as unknown;
    return json && typeof json === 'object' ? (json as SolrErrorBody) : null;
  } catch {
    return null;
  }
}

/** Solr's message (`error.msg`), or the title of Jetty's HTML error page. */
function fullMessage(parsed: SolrErrorBody | null, body: string): string {
  return typeof parsed?.error?.msg === 'string' ? parsed.error.msg : (/<title>([^<]*)<\/title>/iu.exec(body)?.[1] ?? '');
}

/**
 * The part of a message that explains it, at most 300 characters: a distributed update's wrapping
 * ("Async exception during distributed update: Error from server at …\n\nrequest: …\nRemote error
 * message: ERROR: [doc=x] …") gives way to the remote message.
 */
function explain(msg: string): string {
  const remote = /Remote error message:\s*([\s\S]*)$/u.exec(msg)?.[1];
  return (remote ?? msg).replace(/\s+/gu, ' ').trim().slice(0, 300);
}

/**
 * Exception class names Solr reports: its error metadata (error-class and root-error-class pairs)
 * and the headline and "Caused by:" lines of the stack trace it adds to a 500 (stack frames,
 * which name classes too, are left out).
 */
function exceptionClasses(parsed: SolrErrorBody | null): string[] {
  const out: string[] = [];
  const meta = parsed?.error?.metadata;
  if (Array.isArray(meta)) {
    for (let i = 0; i + 1 < meta.length; i += 2) {
      if ((meta[i] === 'error-class' || meta[i] === 'root-error-class') && typeof meta[i + 1] === 'string') out.push(meta[i + 1] as string);
    }
  }
  const trace = parsed?.error?.trace;
  if (typeof trace === 'string') {
    for (const line of trace.split('\n')) {
      const m = /^(?:Caused by: )?([\w$.]+)(?::|$)/u.exec(line.trim());
      if (m?.[1] && m[1].includes('.') && !line.trim().startsWith('at ')) out.push(m[1]);
    }
  }
  return out;
}
