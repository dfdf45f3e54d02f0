// The two ZooKeeper reads sanad needs to find Solr nodes from a ZooKeeper host string (`zk1:2181,
// zk2:2181/solr`): the children of /live_nodes and the cluster properties (for the URL scheme).
// A few dozen lines of ZooKeeper's wire protocol (jute: big-endian ints, length-prefixed strings)
// instead of a native client: sanad only ever reads, once per node-list refresh, with no watches.
import { Socket } from 'node:net';

export interface ZkAddress {
  hosts: Array<{ host: string; port: number }>;
  /** Chroot path such as `/solr`, or '' for the root. */
  chroot: string;
}

/** Parses `host:port[,host:port…][/chroot]`; the port defaults to 2181. */
export function parseZkHost(spec: string): ZkAddress {
  const trimmed = spec.trim();
  const slash = trimmed.indexOf('/');
  const hostPart = slash >= 0 ? trimmed.slice(0, slash) : trimmed;
  const chroot = slash >= 0 ? trimmed.slice(slash).replace(/\/+$/u, '') : '';
  const hosts = hostPart
    .split(',')
    .filter((h) => h.length > 0)
    .map((h) => {
      const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/u.exec(h);
      if (!m?.[1]) throw new Error(`"${h}" in the ZooKeeper host string "${spec}" is not host[:port]`);
      const port = m[2] === undefined ? 2181 : Number(m[2]);
      if (!(port > 0 && port < 65536)) throw new Error(`port ${m[2]} in "${spec}" is out of range`);
      return { host: m[1].replace(/^\[|\]$/gu, ''), port };
    });
  if (hosts.length === 0) throw new Error(`the ZooKeeper host string "${spec}" names no host`);
  return { hosts, chroot };
}

const OP_GET_DATA = 4;
const OP_GET_CHILDREN = 8;
const OP_CLOSE = -11;
const ERR_NO_NODE = -101;

/** Reads from one ZooKeeper server over one session; `close()` ends the session. */
export class ZkReader {
  private buffer = Buffer.alloc(0);
  private waiting: Array<{ resolve: (frame: Buffer) => void; reject: (err: Error) => void }> = [];
  private xid = 1;
  private failure: Error | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (err: Error) => {
      this.failure ??= err;
      for (const w of this.waiting.splice(0)) w.reject(this.failure);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('ZooKeeper closed the connection')));
  }

  /** Connects to the first server of `address` that answers within `timeoutMs`. */
  static async connect(address: ZkAddress, timeoutMs: number): Promise<ZkReader> {
    const errors: string[] = [];
    for (const { host, port } of address.hosts) {
      try {
        return await ZkReader.connectOne(host, port, timeoutMs);
      } catch (err) {
        errors.push(`${host}:${port}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    throw new Error(`no ZooKeeper server answered (${errors.join('; ')})`);
  }

  private static connectOne(host: string, port: number, timeoutMs: number): Promise<ZkReader> {
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.connect(port, host, () => {
        const reader = new ZkReader(socket);
        // ConnectRequest: protocolVersion, lastZxidSeen, timeOut, sessionId, passwd (16 zero bytes), readOnly.
        const body = new Writer().int(0).long(0n).int(Math.max(4000, timeoutMs)).long(0n).buffer(Buffer.alloc(16)).bool(false);
        reader.next().then(
          () => {
            clearTimeout(timer);
            resolve(reader);
          },
          (err: Error) => {
            clearTimeout(timer);
            reject(err);
          },
        );
        socket.write(body.frame());
      });
    });
  }

  /** Children of `path`, or null when the node does not exist. */
  async children(path: string): Promise<string[] | null> {
    const reply = await this.call(OP_GET_CHILDREN, new Writer().string(path).bool(false));
    if (!reply) return null;
    const n = reply.int();
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(reply.string());
    return out;
  }

  /** Data of `path` as UTF-8, or null when the node does not exist. */
  async data(path: string): Promise<string | null> {
    const reply = await this.call(OP_GET_DATA, new Writer().string(path).bool(false));
    if (!reply) return null;
    const len = reply.int();
    return len < 0 ? '' : reply.bytes(len).toString('utf8');
  }

  close(): void {
    if (!this.failure) this.socket.write(new Writer().int(this.xid++).int(OP_CLOSE).frame());
    this.socket.end();
    this.socket.destroy();
  }

  private async call(op: number, request: Writer): Promise<Reader | null> {
    if (this.failure) throw this.failure;
    const xid = this.xid++;
    const frame = new Writer().int(xid).int(op).append(request).frame();
    const reply = this.next();
    this.socket.write(frame);
    const r = new Reader(await reply);
    const gotXid = r.int();
    r.long(); // zxid
    const err = r.int();
    if (gotXid !== xid) throw new Error(`ZooKeeper answered request ${gotXid}, expected ${xid}`);
    if (err === ERR_NO_NODE) return null;
    if (err !== 0) throw new Error(`ZooKeeper error ${err}`);
    return r;
  }

  private next(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.failure) reject(this.failure);
      else this.waiting.push({ resolve, reject });
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 4) {
      const len = this.buffer.readInt32BE(0);
      if (this.buffer.length < 4 + len) return;
      const frame = this.buffer.subarray(4, 4 + len);
      this.buffer = this.buffer.subarray(4 + len);
      this.waiting.shift()?.resolve(frame);
    }
  }
}

class Writer {
  private parts: Buffer[] = [];

  int(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    this.parts.push(b);
    return this;
  }

  long(v: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(v);
    this.parts.push(b);
    return this;
  }

  bool(v: boolean): this {
    this.parts.push(Buffer.from([v ? 1 : 0]));
    return this;
  }

  buffer(v: Buffer): this {
    this.int(v.length);
    this.parts.push(v);
    return this;
  }

  string(v: string): this {
    return this.buffer(Buffer.from(v, 'utf8'));
  }

  append(other: Writer): this {
    this.parts.push(...other.parts);
    return this;
  }

  /** The bytes with ZooKeeper's 4-byte length prefix. */
  frame(): Buffer {
    const body = Buffer.concat(this.parts);
    const head = Buffer.alloc(4);
    head.writeInt32BE(body.length);
    return Buffer.concat([head, body]);
  }
}

class Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  int(): number {
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  long(): bigint {
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  bytes(n: number): Buffer {
    if (this.pos + n > this.buf.length) throw new Error('ZooKeeper reply ends early');
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  string(): string {
    return this.bytes(this.int()).toString('utf8');
  }
}

/** Solr node names (`127.0.0.1:8983_solr`) live under `<chroot>/live_nodes`; turns them into base URLs. */
export async function liveNodeUrls(address: ZkAddress, timeoutMs: number): Promise<string[]> {
  const zk = await ZkReader.connect(address, timeoutMs);
  try {
    const names = (await zk.children(`${address.chroot}/live_nodes`)) ?? [];
    const props = await zk.data(`${address.chroot}/clusterprops.json`);
    const scheme = props && /"urlScheme"\s*:\s*"https"/u.test(props) ? 'https' : 'http';
    return names.map((name) => nodeNameToUrl(name, scheme)).sort();
  } finally {
    zk.close();
  }
}

/** `host:port_context` (context with `/` written as `_`) → `scheme://host:port/context`. */
export function nodeNameToUrl(name: string, scheme = 'http'): string {
  const cut = name.indexOf('_');
  const hostPort = cut >= 0 ? name.slice(0, cut) : name;
  const context = cut >= 0 ? name.slice(cut + 1).replace(/_/gu, '/') : 'solr';
  return `${scheme}://${hostPort}/${context}`;
}
