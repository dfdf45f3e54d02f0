// HTTP access to a SolrCloud cluster: any live node answers (SolrCloud routes a request to the
// shards that hold the data), so a request that fails on one node for a reason another node may
// not share (connection refused or reset, timeout, 5xx while a leader is being elected) is retried
// on the next live node, with exponential backoff and jitter, until a time budget runs out. A
// request Solr refuses for what it is (errors.ts tells which) fails at once instead. Every
// request sanad sends is idempotent (adds by unique id, deletes by query, commits, reads), so a
// retry after a half-done attempt is safe.
import { judgeFailure } from './errors.ts';
import { liveNodeUrls, nodeNameToUrl, parseZkHost, type ZkAddress } from './zookeeper.ts';

/** Where the cluster is: node base URLs (`http://host:8983/solr`) or a ZooKeeper host string. */
export type SolrTarget = { urls: string[] } | { zkHost: string };

/** `--solr-url` accepts comma-separated node URLs, or a ZooKeeper host string (`zk1:2181,zk2:2181/solr`). */
export function parseSolrTarget(spec: string): SolrTarget {
  const parts = spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (parts.length === 0) throw new Error('--solr-url is empty; give node URLs (http://host:8983/solr) or a ZooKeeper host string (zk1:2181/solr)');
  if (parts.every((p) => /^https?:\/\//iu.test(p))) {
    const urls = parts.map((p) => {
      const url = new URL(p);
      if (url.username || url.password) throw new Error(`put no credentials in --solr-url (${url.host}); they would be logged`);
      return url.toString().replace(/\/+$/u, '');
    });
    return { urls };
  }
  if (parts.some((p) => /^https?:\/\//iu.test(p))) {
    throw new Error(`--solr-url mixes URLs and ZooKeeper hosts ("${spec}"); give one kind`);
  }
  parseZkHost(spec); // validates
  return { zkHost: spec.trim() };
}

export class SolrError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when no node answered. */
    readonly status: number,
  ) {
    super(message);
    this.name = 'SolrError';
  }
}

export interface SolrClientOptions {
  target: SolrTarget;
  /** One attempt's time limit (default 20 s). */
  timeoutMs?: number;
  /** Total time a request may take across retries before it fails (default 90 s: longer than a
   * ZooKeeper session timeout plus a leader election, so a node dying mid-request is survived). */
  retryBudgetMs?: number;
  /** First backoff delay; doubles per retry up to 2 s (default 100 ms). */
  retryBaseMs?: number;
  /** How often the live-node list is refreshed while everything works (default 30 s). */
  refreshMs?: number;
  log?: (line: string) => void;
}

export interface SolrRequest {
  method?: 'GET' | 'POST';
  /** Query parameters; POSTed form-encoded when there is no body (long kNN vectors fit). */
  params?: Record<string, string | number | boolean | ReadonlyArray<string | number>>;
  /** JSON body (update commands); sent as application/json. */
  json?: unknown;
  /** Raw body (a configset zip). */
  body?: Uint8Array;
  contentType?: string;
  /** Per-attempt timeout for this request, overriding the client's. */
  timeoutMs?: number;
}

/** A node that failed is skipped for this long, unless no other node is left. */
const SUSPECT_MS = 3000;
const MAX_BACKOFF_MS = 2000;

export class SolrClient {
  private nodes: string[] = [];
  private readonly suspect = new Map<string, number>();
  private next = 0;
  private refreshedAt = 0;
  private refreshing: Promise<void> | null = null;
  private readonly seeds: string[];
  private readonly zk: ZkAddress | null;
  private readonly log: (line: string) => void;
  /** Attempts that failed and were retried, for tests and benchmarks. */
  retries = 0;

  constructor(private readonly opts: SolrClientOptions) {
    this.seeds = 'urls' in opts.target ? [...opts.target.urls] : [];
    this.zk = 'zkHost' in opts.target ? parseZkHost(opts.target.zkHost) : null;
    this.nodes = [...this.seeds];
    this.log = opts.log ?? (() => {});
  }

  /** A readable name of the cluster for messages. */
  describe(): string {
    return 'zkHost' in this.opts.target ? `ZooKeeper ${this.opts.target.zkHost}` : this.seeds.join(',');
  }

  /** Live node URLs as last seen. */
  liveNodes(): readonly string[] {
    return this.nodes;
  }

  /**
   * Sends `path` (relative to a node's base URL, e.g. `news/select`) to a live node and returns the
   * parsed JSON. Retries elsewhere on failures that another node or a moment later may not have.
   */
  async request<T = SolrResponse>(path: string, req: SolrRequest = {}): Promise<T> {
    const budget = this.opts.retryBudgetMs ?? 90_000;
    const deadline = Date.now() + budget;
    let attempt = 0;
    let lastError: SolrError | null = null;
    for (;;) {
      await this.ensureNodes(lastError !== null);
      const node = this.pick();
      if (node) {
        try {
          return (await this.attempt(node, path, req)) as T;
        } catch (err) {
          if (!(err instanceof RetryableError)) throw err;
          lastError = new SolrError(`${node}: ${err.message}`, err.status);
          if (err.nodeFault) this.suspect.set(node, Date.now() + SUSPECT_MS);
        }
      } else {
        lastError ??= new SolrError(`no live Solr node is known (${this.describe()})`, 0);
      }
      attempt++;
      const backoff = Math.min(MAX_BACKOFF_MS, (this.opts.retryBaseMs ?? 100) * 2 ** Math.min(attempt - 1, 10));
      const delay = backoff / 2 + (Math.random() * backoff) / 2;
      if (Date.now() + delay > deadline) {
        throw new SolrError(
          `Solr request ${path.split('?')[0]} failed after ${attempt} attempts in ${Math.round(budget / 1000)} s: ${lastError.message}`,
          lastError.status,
        );
      }
      this.retries++;
      if (attempt === 1 || attempt % 10 === 0) this.log(`solr: ${lastError.message}; retrying (attempt ${attempt + 1})`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  private pick(): string | null {
    if (this.nodes.length === 0) return null;
    const now = Date.now();
    for (let i = 0; i < this.nodes.length; i++) {
      const node = this.nodes[(this.next + i) % this.nodes.length] ?? '';
      if ((this.suspect.get(node) ?? 0) <= now) {
        this.next = (this.next + i + 1) % this.nodes.length;
        return node;
      }
    }
    // Every node failed recently: try the one whose penalty ends first rather than none.
    const sorted = [...this.nodes].sort((a, b) => (this.suspect.get(a) ?? 0) - (this.suspect.get(b) ?? 0));
    return sorted[0] ?? null;
  }

  private async attempt(node: string, path: string, req: SolrRequest): Promise<unknown> {
    const params = new URLSearchParams();
    params.set('wt', 'json');
    for (const [k, v] of Object.entries(req.params ?? {})) {
      if (Array.isArray(v)) for (const item of v as ReadonlyArray<string | number>) params.append(k, String(item));
      else params.set(k, String(v));
    }
    let url = `${node}/${path}`;
    let body: string | Blob | undefined;
    let contentType: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      contentType = 'application/json';
      url += `?${params.toString()}`;
    } else if (req.body !== undefined) {
      body = new Blob([Uint8Array.from(req.body)]);
      contentType = req.contentType ?? 'application/octet-stream';
      url += `?${params.toString()}`;
    } else if (req.method === 'GET') {
      url += `?${params.toString()}`;
    } else {
      body = params.toString();
      contentType = 'application/x-www-form-urlencoded';
    }
    let res: Response;
    try {
      res = await fetch(url, {
        method: body === undefined ? 'GET' : 'POST',
        ...(body !== undefined ? { body } : {}),
        headers: contentType ? { 'content-type': contentType } : {},
        signal: AbortSignal.timeout(req.timeoutMs ?? this.opts.timeoutMs ?? 20_000),
      });
    } catch (err) {
      throw new RetryableError(networkReason(err), 0, true);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new RetryableError(`response cut off (${networkReason(err)})`, res.status, true);
    }
    let parsed: SolrResponse | null = null;
    try {
      parsed = JSON.parse(text) as SolrResponse;
    } catch {
      // Jetty's own error pages are HTML; handled below by status.
    }
    const what = path.split('?')[0] ?? path;
    if (!res.ok) {
      const verdict = judgeFailure(res.status, text);
      const said = `HTTP ${res.status}${verdict.message ? `: ${verdict.message}` : ''}`;
      if (verdict.retry) throw new RetryableError(said, res.status, verdict.nodeFault);
      throw new SolrError(
        res.status >= 500
          ? `Solr failed on ${what} because of the request itself, so it was not retried (${said})`
          : `Solr refused ${what} (${said})`,
        res.status,
      );
    }
    if (!parsed) throw new SolrError(`Solr answered ${what} with HTTP ${res.status} but no JSON`, res.status);
    // A distributed request that could not reach every shard is not an answer: try again.
    if (parsed.responseHeader?.partialResults === true) throw new RetryableError('partial results (a shard did not answer)', 200, false);
    return parsed;
  }

  private async ensureNodes(force: boolean): Promise<void> {
    const stale = Date.now() - this.refreshedAt > (this.opts.refreshMs ?? 30_000);
    if (!force && !stale && this.nodes.length > 0) return;
    // One refresh at a time; a forced refresh at most every half second.
    if (force && Date.now() - this.refreshedAt < 500 && this.nodes.length > 0) return;
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = null;
    });
    await this.refreshing;
  }

  private async refresh(): Promise<void> {
    this.refreshedAt = Date.now();
    try {
      const found = this.zk ? await liveNodeUrls(this.zk, 5000) : await this.liveNodesFromSeeds();
      if (found.length > 0) this.nodes = found;
    } catch (err) {
      this.log(`solr: could not refresh the live node list (${err instanceof Error ? err.message : String(err)})`);
    }
  }

  /** Asks any reachable known node for the cluster's live nodes; seeds stay in the list too. */
  private async liveNodesFromSeeds(): Promise<string[]> {
    const known = [...new Set([...this.nodes, ...this.seeds])];
    for (const node of known) {
      try {
        const res = await fetch(`${node}/admin/collections?action=CLUSTERSTATUS&wt=json`, { signal: AbortSignal.timeout(5000) });
        if (!res.ok) continue;
        const json = (await res.json()) as { cluster?: { live_nodes?: string[] } };
        const live = json.cluster?.live_nodes;
        if (!live) continue;
        const scheme = new URL(node).protocol.replace(':', '');
        return [...new Set([...live.map((n) => nodeNameToUrl(n, scheme)), ...this.seeds])].sort();
      } catch {
        // Try the next node.
      }
    }
    return known;
  }
}

export interface SolrResponse {
  responseHeader?: { status?: number; QTime?: number; partialResults?: boolean; rf?: number };
  error?: { msg?: string };
  [key: string]: unknown;
}

class RetryableError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** True when the node itself looks unhealthy (connection failed, 503), not just the request. */
    readonly nodeFault: boolean,
  ) {
    super(message);
  }
}

function networkReason(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timed out';
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? err.message;
  }
  return String(err);
}
