// MCP over stdin/stdout, one JSON-RPC message per line, with a size limit that costs the client
// one error reply instead of the session. The SDK's transport gives up on a line over 10 MiB: it
// drops the buffer, closes, and the server then answers nothing or exits with no log line. Here a
// line over the limit is skipped as it streams in (never held in memory whole), the request gets
// an error saying what happened (its id is read from the head of the line), a line that is not
// JSON-RPC gets a parse error, and the session goes on. Replies that would be over the limit a
// client accepts are replaced by an error naming how to ask for less.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';

/** Same as the SDK's own limit, so what one side accepts the other accepts too. */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
/** How much of an oversized line is kept to find its id and method. */
const HEAD_BYTES = 4096;

export interface BoundedStdioOptions {
  maxMessageBytes?: number;
  log?: (line: string) => void;
}

/** JSON-RPC error codes used here. */
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const INTERNAL_ERROR = -32603;

/**
 * The id and method of a message from the first bytes of its line, when they come before its
 * params (as every client writes them). Ids are numbers or short strings.
 */
export function headOf(head: string): { id?: RequestId; method?: string } {
  const params = head.indexOf('"params"');
  const before = params < 0 ? head : head.slice(0, params);
  const id = /"id"\s*:\s*(-?\d{1,15}|"(?:[^"\\]|\\.){0,200}")/.exec(before)?.[1];
  const method = /"method"\s*:\s*"([^"\\]{1,100})"/.exec(before)?.[1];
  let parsedId: RequestId | undefined;
  if (id !== undefined) {
    try {
      parsedId = JSON.parse(id) as RequestId;
    } catch {
      parsedId = undefined;
    }
  }
  return { ...(parsedId !== undefined ? { id: parsedId } : {}), ...(method !== undefined ? { method } : {}) };
}

export class BoundedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly max: number;
  private readonly log: (line: string) => void;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Set while the rest of an oversized line is being skipped: its head and size so far. */
  private skipping: { head: Buffer; bytes: number } | null = null;
  private started = false;

  constructor(
    private readonly stdin: NodeJS.ReadableStream = process.stdin,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    opts: BoundedStdioOptions = {},
  ) {
    this.max = opts.maxMessageBytes ?? MAX_MESSAGE_BYTES;
    this.log = opts.log ?? ((line) => console.error(line));
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('BoundedStdioTransport already started');
    this.started = true;
    this.stdin.on('data', this.onData);
    this.stdin.on('error', this.onStreamError);
  }

  async close(): Promise<void> {
    this.stdin.off('data', this.onData);
    this.stdin.off('error', this.onStreamError);
    if (this.stdin.listenerCount('data') === 0) this.stdin.pause();
    this.pending = [];
    this.pendingBytes = 0;
    this.skipping = null;
    this.onclose?.();
  }

  send(message: JSONRPCMessage): Promise<void> {
    let json = JSON.stringify(message);
    if (Buffer.byteLength(json) > this.max && 'id' in message && ('result' in message || 'error' in message)) {
      const bytes = Buffer.byteLength(json);
      this.log(`a reply of ${bytes} bytes is over the ${this.max}-byte message limit; sent an error instead`);
      json = JSON.stringify(
        errorReply(
          message.id ?? null,
          INTERNAL_ERROR,
          `the result is ${bytes} bytes, over the ${this.max}-byte limit of a stdio message; ask for less (pages, fewer ids, a document through get_document)`,
        ),
      );
    }
    return new Promise((resolve) => {
      if (this.stdout.write(`${json}\n`)) resolve();
      else this.stdout.once('drain', resolve);
    });
  }

  private readonly onStreamError = (error: Error): void => {
    this.onerror?.(error);
  };

  private readonly onData = (chunk: Buffer | string): void => {
    let data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    while (data.length > 0) {
      const nl = data.indexOf(0x0a);
      const piece = nl < 0 ? data : data.subarray(0, nl);
      if (this.skipping) {
        this.skipping.bytes += piece.length;
      } else if (this.pendingBytes + piece.length > this.max) {
        const head = Buffer.concat([...this.pending, piece.subarray(0, HEAD_BYTES)]).subarray(0, HEAD_BYTES);
        this.skipping = { head, bytes: this.pendingBytes + piece.length };
        this.pending = [];
        this.pendingBytes = 0;
      } else if (piece.length > 0) {
        // Copied: the stream may reuse its buffer for the next chunk.
        this.pending.push(Buffer.from(piece));
        this.pendingBytes += piece.length;
      }
      if (nl < 0) return;
      this.endLine();
      data = data.subarray(nl + 1);
    }
  };

  private endLine(): void {
    if (this.skipping) {
      const { head, bytes } = this.skipping;
      this.skipping = null;
      this.oversized(head.toString('utf8'), bytes);
      return;
    }
    const line = Buffer.concat(this.pending, this.pendingBytes).toString('utf8').replace(/\r$/, '');
    this.pending = [];
    this.pendingBytes = 0;
    if (line.trim() === '') return;
    let message: JSONRPCMessage;
    try {
      message = JSONRPCMessageSchema.parse(JSON.parse(line));
    } catch (err) {
      const { id } = headOf(line.slice(0, HEAD_BYTES));
      this.log(`a message that is not JSON-RPC was ignored (${line.length} characters)`);
      this.onerror?.(err instanceof Error ? err : new Error(String(err)));
      const code = id === undefined ? PARSE_ERROR : INVALID_REQUEST;
      void this.send(errorReply(id ?? null, code, `${code === PARSE_ERROR ? 'Parse error' : 'Invalid Request'}: the line is not a JSON-RPC 2.0 message`));
      return;
    }
    this.onmessage?.(message);
  }

  private oversized(head: string, bytes: number): void {
    const { id, method } = headOf(head);
    this.log(`a ${bytes}-byte message${method ? ` (${method})` : ''} is over the ${this.max}-byte limit and was skipped; the session goes on`);
    this.onerror?.(new Error(`message of ${bytes} bytes over the ${this.max}-byte limit`));
    // A notification (no id) gets no reply, as JSON-RPC requires.
    if (id === undefined) return;
    void this.send(
      errorReply(id, INVALID_REQUEST, `the request is ${bytes} bytes, over the ${this.max}-byte limit of a stdio message; send shorter arguments`),
    );
  }
}

function errorReply(id: RequestId | null, code: number, message: string): JSONRPCMessage {
  // JSON-RPC answers a request whose id could not be read with id null.
  return { jsonrpc: '2.0', id, error: { code, message } } as unknown as JSONRPCMessage;
}
