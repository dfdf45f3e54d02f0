// Corpus folder → documents with passages and metadata: read, decode, segment.

import type { IngestedDocument, SkippedFile, SourceDocument } from '../types.ts';
import { readCorpus, type ReadCorpusOptions, type UnsupportedType } from './read.ts';
import { segmentDocument } from './segment.ts';

export interface IngestResult {
  /** One per readable file that yielded at least one passage, sorted by path. */
  documents: IngestedDocument[];
  /** The decoded sources of those documents (what passage offsets index into), same order. */
  sources: SourceDocument[];
  skipped: SkippedFile[];
  /** Files of other types in the folder (not articles sanad reads), by extension. */
  unsupported: UnsupportedType[];
  /** Files not read because the caller said it has them unchanged (ReadCorpusOptions.unchanged). */
  kept: string[];
}

/**
 * Reads and segments every article under `dir`. A file whose text is all page furniture yields
 * no passage: it is reported in `skipped` (and through `onWarn`) rather than indexed empty.
 */
export async function ingestCorpus(dir: string, opts: ReadCorpusOptions = {}): Promise<IngestResult> {
  const { files, skipped, unsupported, kept } = await readCorpus(dir, opts);
  const documents: IngestedDocument[] = [];
  const sources: SourceDocument[] = [];
  for (const file of files) {
    const doc = segmentDocument(file);
    if (doc.passages.length === 0) {
      const s: SkippedFile = {
        path: file.id,
        reason: `${file.id}: skipped, nothing left once page furniture (link lists, tags, disclaimers) is removed; add the article text`,
      };
      skipped.push(s);
      opts.onWarn?.(s);
      continue;
    }
    documents.push(doc);
    sources.push(file);
  }
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { documents, sources, skipped, unsupported, kept };
}
