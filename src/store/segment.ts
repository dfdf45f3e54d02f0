// One segment of an index: documents and passages, BM25 postings, quote grams and (when the index
// has a model) an HNSW graph, each in its own immutable file. A segment is
// opened once and shared by every published version that still lists it (a rebuild that touches
// one document opens only the new, small segment); it closes its files when the last version
// holding it is released.
import path from 'node:path';
import { GramReader } from './gram-file.ts';
import { HnswFileError, inspectHnswFile } from './hnsw-header.ts';
import { HashIndex } from './hash-file.ts';
import { LexiconReader } from './lexicon-file.ts';
import { IndexFormatError, type HnswParams, type Manifest, type SegmentEntry } from './manifest.ts';
import { PassageTable } from './passage-table.ts';
import { UnsafeIndexFileError } from './safe-read.ts';
import { VectorIndex } from './vector-index.ts';

export const SEGMENT_FILES = {
  passages: '.psg',
  lexicon: '.lex',
  grams: '.qgm',
  hashes: '.hsh',
  vectors: '.hnsw',
} as const;

/** The data files a segment entry stands for (deletion marks aside). */
export function segmentFileNames(entry: Pick<SegmentEntry, 'name' | 'vectors'>): string[] {
  const kinds = entry.vectors ? Object.values(SEGMENT_FILES) : [SEGMENT_FILES.passages, SEGMENT_FILES.lexicon, SEGMENT_FILES.grams, SEGMENT_FILES.hashes];
  return kinds.map((ext) => `${entry.name}${ext}`);
}

type Checks = Manifest['checksums'];

/** Identity of a segment's data: its name and the checksums of its files. */
export function segmentFingerprint(entry: SegmentEntry, checks: Checks): string {
  return [entry.name, ...segmentFileNames(entry).map((name) => checks[name]?.sha256 ?? '')].join(',');
}

function checkOf(checks: Checks, name: string, dir: string) {
  const c = checks[name];
  if (!c) throw new IndexFormatError(`${dir}/manifest.json lists no checksum for ${name}`);
  return c;
}

export class SegmentReader {
  private refs = 1;
  private hashIndex: Promise<HashIndex> | null = null;

  private constructor(
    readonly entry: SegmentEntry,
    /** Checksums of this segment's files, to tell whether a later version lists the very same files. */
    readonly fingerprint: string,
    readonly table: PassageTable,
    readonly lexicon: LexiconReader,
    readonly grams: GramReader,
    readonly vectors: VectorIndex | null,
  ) {}

  static async open(dir: string, entry: SegmentEntry, checks: Checks, space: { dimension: number; hnsw: HnswParams } | null): Promise<SegmentReader> {
    const file = (ext: string) => path.join(dir, `${entry.name}${ext}`);
    const check = (ext: string) => checkOf(checks, `${entry.name}${ext}`, dir);
    const opened: Array<{ close(): void }> = [];
    try {
      const table = await PassageTable.open(file(SEGMENT_FILES.passages), check(SEGMENT_FILES.passages));
      opened.push(table);
      const lexicon = await LexiconReader.open(file(SEGMENT_FILES.lexicon), check(SEGMENT_FILES.lexicon));
      opened.push(lexicon);
      const grams = await GramReader.open(file(SEGMENT_FILES.grams), check(SEGMENT_FILES.grams));
      opened.push(grams);
      const n = entry.passages;
      if (table.size !== n || lexicon.size !== n || grams.passages !== n || table.documents.length !== entry.documents) {
        throw new IndexFormatError(`segment ${entry.name} in ${dir} does not hold the counts its manifest lists`);
      }
      let vectors: VectorIndex | null = null;
      if (entry.vectors) {
        if (!space) throw new IndexFormatError(`segment ${entry.name} in ${dir} has vectors but the index names no model`);
        const graph = file(SEGMENT_FILES.vectors);
        const expected = check(SEGMENT_FILES.vectors);
        // hnswlib trusts every number in its file: the whole graph is validated (and hashed, in the
        // same pass) before the native reader sees it.
        let sha256: string;
        try {
          ({ sha256 } = await inspectHnswFile(graph, { dimension: space.dimension, count: n, m: space.hnsw.m }));
        } catch (err) {
          if (err instanceof HnswFileError) throw new IndexFormatError(`${entry.name}${SEGMENT_FILES.vectors} in ${dir} is not a usable vector graph: ${err.message}`);
          if (err instanceof UnsafeIndexFileError) throw new IndexFormatError(err.message);
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new IndexFormatError(`${entry.name}${SEGMENT_FILES.vectors} in ${dir} is missing`);
          throw err;
        }
        if (sha256 !== expected.sha256) throw new IndexFormatError(`${graph} is corrupted (checksum mismatch); rebuild the index with \`sanad index\``);
        vectors = VectorIndex.load(graph, space.dimension, n, space.hnsw);
      }
      return new SegmentReader(entry, segmentFingerprint(entry, checks), table, lexicon, grams, vectors);
    } catch (err) {
      for (const f of opened) f.close();
      throw err;
    }
  }

  get name(): string {
    return this.entry.name;
  }

  /** One more published version holds this segment. */
  retain(): this {
    if (this.refs <= 0) throw new Error(`segment ${this.name} was used after it was closed`);
    this.refs++;
    return this;
  }

  /** A version holding it was released; the files close with the last one. */
  release(): void {
    if (--this.refs > 0) return;
    this.table.close();
    this.lexicon.close();
    this.grams.close();
  }

  /** Text hashes, for reusing vectors; read on first use, from the folder of the version at hand. */
  hashes(dir: string, checks: Checks): Promise<HashIndex> {
    this.hashIndex ??= HashIndex.open(path.join(dir, `${this.name}${SEGMENT_FILES.hashes}`), checkOf(checks, `${this.name}${SEGMENT_FILES.hashes}`, dir), this.entry.passages);
    return this.hashIndex;
  }
}
