// One published index version as the server holds it: a backend plus what is built once per
// version for every session (the backend's lookup tables and quote structures live inside it).
// Every MCP session and transport answers from the snapshot the LiveIndex currently holds; a
// reindex swaps in a new one atomically, and the old one is closed when its last request ends.
import type { IndexInfo, SearchBackend } from './backend.ts';

export class IndexSnapshot {
  private leases = 0;
  private retired = false;
  private closed: Promise<void> | null = null;

  constructor(readonly backend: SearchBackend) {}

  info(): IndexInfo {
    return this.backend.info();
  }

  /**
   * Marks the snapshot in use by one request; call the returned function when the request ends
   * (it is idempotent). A retired snapshot stays usable for requests that hold it.
   */
  acquire(): () => void {
    this.leases++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.leases--;
      this.maybeClose();
    };
  }

  /** Called when a newer snapshot replaces this one: closes it as soon as no request holds it. */
  retire(): void {
    this.retired = true;
    this.maybeClose();
  }

  /** Resolves once the backend has been closed (after retirement and the last release). */
  whenClosed(): Promise<void> | null {
    return this.closed;
  }

  get inUse(): number {
    return this.leases;
  }

  private maybeClose(): void {
    if (!this.retired || this.leases > 0 || this.closed) return;
    // Nobody is left to report a failure to: freeing memory is best effort.
    this.closed = this.backend.close().catch(() => undefined);
  }
}
