// Micro-batching of queries: searches that arrive while the model is busy are embedded together
// in its next run, so concurrent clients share runs instead of queueing one text at a time. No
// timer: a query that finds the model idle runs at once (no added latency for one client), and a
// batch is simply whatever queued up during the previous run. Only for models whose vectors do
// not depend on their batch-mates (batch-invariance.ts); for the others every text runs alone.

interface Waiting {
  text: string;
  resolve(v: Float32Array): void;
  reject(err: unknown): void;
}

export class QueryCoalescer {
  private queue: Waiting[] = [];
  private running = false;

  constructor(
    /** Embeds texts in one run; returns one vector per text, in order. */
    private readonly run: (texts: string[]) => Promise<Float32Array[]>,
    /** Most texts per run. */
    private readonly max: number,
  ) {}

  embed(texts: readonly string[]): Promise<Float32Array[]> {
    const out = texts.map(
      (text) =>
        new Promise<Float32Array>((resolve, reject) => {
          this.queue.push({ text, resolve, reject });
        }),
    );
    this.pump();
    return Promise.all(out);
  }

  private pump(): void {
    if (this.running || this.queue.length === 0) return;
    this.running = true;
    const batch = this.queue.splice(0, this.max);
    void this.run(batch.map((w) => w.text)).then(
      (vectors) => {
        batch.forEach((w, i) => {
          const v = vectors[i];
          if (v) w.resolve(v);
          else w.reject(new Error(`the model returned ${vectors.length} vectors for a batch of ${batch.length}`));
        });
      },
      (err: unknown) => {
        for (const w of batch) w.reject(err);
      },
    ).finally(() => {
      this.running = false;
      this.pump();
    });
  }
}
