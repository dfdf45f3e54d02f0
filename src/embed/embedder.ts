// The one interface every embedding provider implements. The index and the search code see only
// this; which model or server sits behind it is the provider's business.

/** What identifies an embedding space: two indexes are compatible only when these agree. */
export interface EmbedderInfo {
  /** `transformers`, `openai`, or `fake` (tests). */
  provider: string;
  /** Hub id, local folder name, or the remote model name. Never a secret. */
  model: string;
  /** Quantisation or dtype where the provider has one (e.g. `q8`, `fp32`). */
  dtype?: string;
  /**
   * Where a local model was loaded from (absolute folder path). Not part of the identity of the
   * embedding space (the folder may move); recorded so a search can find the model again.
   */
  location?: string;
  /** `query:passage` values of the `input_type` field an HTTP provider sends, when it sends one. */
  inputType?: string;
  /** Prefixes the client adds before embedding (the model's profile). */
  queryPrefix: string;
  passagePrefix: string;
}

export interface EmbedProgress {
  done: number;
  total: number;
}

export interface Embedder {
  readonly info: EmbedderInfo;
  /**
   * Vector length. Providers that only learn it from the model or the first response load
   * lazily here, so calling this is the way to force loading and surface load errors early.
   */
  dimension(): Promise<number>;
  /** Embeds queries (query prefix applied); returns L2-normalised vectors, one per input. */
  embedQueries(texts: readonly string[]): Promise<Float32Array[]>;
  /** Embeds passages (passage prefix applied), batched; reports progress after each batch. */
  embedPassages(
    texts: readonly string[],
    onProgress?: (p: EmbedProgress) => void,
  ): Promise<Float32Array[]>;
  /** Releases model sessions or sockets. Safe to call twice. */
  close?(): Promise<void>;
}

/** Raised when a model cannot be loaded or a server cannot be used; the message says how to fix it. */
export class EmbedderUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbedderUnavailableError';
  }
}
