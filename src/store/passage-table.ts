// A segment's documents and passages (`<segment>.psg`). The eager region holds the documents
// (JSON) and the passages as columns, a few bytes each; the texts stay in the lazy region and are
// read when a result, a neighbour or a quote candidate needs them, so a million passages cost
// tens of megabytes of memory instead of gigabytes.
import type { DocumentMeta, Lang, Passage, PassageKind, StoredPassage } from '../types.ts';
import { bytesOf, damaged } from './binary.ts';
import { ContainerReader, ContainerWriter, crc32, type ContainerCheck } from './container.ts';

export const PASSAGE_KIND = 'PSG1';
const LANGS: readonly Lang[] = ['ar', 'fa', 'en', 'und'];
const KINDS: readonly PassageKind[] = ['title', 'body', 'caption'];
const encoder = new TextEncoder();

/** The citation id of a passage, from its fields: `<doc>#p<para>` or `<doc>#p<para>.<part>`. */
export function citationId(docId: string, para: number, part: number | undefined): string {
  return part ? `${docId}#p${para}.${part}` : `${docId}#p${para}`;
}

/**
 * Writes the documents (sorted by id) and their passages (grouped by document, reading order).
 * Passage ids are not stored: they are derived from document id, paragraph and part.
 */
export function writePassageTable(file: string, documents: readonly DocumentMeta[], passages: readonly StoredPassage[]): ContainerCheck {
  const n = passages.length;
  const docOf = new Map(documents.map((d, i) => [d.id, i]));
  const docFirst = new Uint32Array(documents.length + 1);
  const cols = {
    doc: new Uint32Array(n),
    para: new Uint32Array(n),
    part: new Uint16Array(n),
    kind: new Uint8Array(n),
    lang: new Uint8Array(n),
    start: new Uint32Array(n),
    end: new Uint32Array(n),
    textOff: new Float64Array(n),
    textLen: new Uint32Array(n),
    crc: new Uint32Array(n),
  };
  const writer = new ContainerWriter(file, PASSAGE_KIND);
  try {
    let prevDoc = -1;
    passages.forEach((p, i) => {
      const d = docOf.get(p.docId);
      if (d === undefined || d < prevDoc) throw new Error(`passage ${p.id} is not grouped under a listed document in order`);
      if (p.id !== citationId(p.docId, p.para, p.part)) throw new Error(`passage id ${p.id} does not follow <doc>#p<para>[.<part>]`);
      for (let k = prevDoc + 1; k <= d; k++) docFirst[k] = i;
      prevDoc = d;
      const text = encoder.encode(p.text);
      cols.doc[i] = d;
      cols.para[i] = p.para;
      cols.part[i] = p.part ?? 0;
      cols.kind[i] = KINDS.indexOf(p.kind);
      cols.lang[i] = LANGS.indexOf(p.lang);
      cols.start[i] = p.start;
      cols.end[i] = p.end;
      cols.textOff[i] = writer.appendLazy(text);
      cols.textLen[i] = text.length;
      cols.crc[i] = crc32(text);
    });
    for (let k = prevDoc + 1; k <= documents.length; k++) docFirst[k] = n;
    writer.section('docs', encoder.encode(JSON.stringify(documents)));
    writer.section('docFirst', docFirst);
    for (const [name, col] of Object.entries(cols)) writer.section(name, bytesOf(col));
    return writer.finish();
  } catch (err) {
    writer.abort();
    throw err;
  }
}

export class PassageTable {
  readonly documents: DocumentMeta[];
  /** Passages of document d are ords docFirst[d] .. docFirst[d+1]-1. */
  readonly docFirst: Uint32Array;
  readonly docOrd: Uint32Array;
  readonly lang: Uint8Array;
  private readonly para: Uint32Array;
  private readonly part: Uint16Array;
  private readonly kind: Uint8Array;
  private readonly start: Uint32Array;
  private readonly end: Uint32Array;
  private readonly textOff: Float64Array;
  private readonly textLen: Uint32Array;
  private readonly crc: Uint32Array;

  private constructor(private readonly file: ContainerReader) {
    const docsJson: unknown = JSON.parse(Buffer.from(file.bytes('docs')).toString('utf8'));
    if (!Array.isArray(docsJson)) throw damaged(file.file, 'its document list is not a list');
    this.documents = docsJson as DocumentMeta[];
    this.docFirst = file.u32('docFirst', this.documents.length + 1);
    const n = this.docFirst[this.documents.length] ?? 0;
    this.docOrd = file.u32('doc', n);
    this.para = file.u32('para', n);
    this.part = file.u16('part', n);
    this.kind = file.u8('kind', n);
    this.lang = file.u8('lang', n);
    this.start = file.u32('start', n);
    this.end = file.u32('end', n);
    this.textOff = file.f64('textOff', n);
    this.textLen = file.u32('textLen', n);
    this.crc = file.u32('crc', n);
    for (let d = 0; d < this.documents.length; d++) {
      if ((this.docFirst[d] ?? 0) > (this.docFirst[d + 1] ?? 0)) throw damaged(file.file, 'its document ranges run backwards');
    }
    for (let i = 0; i < n; i++) {
      if ((this.docOrd[i] ?? 0) >= this.documents.length || (this.lang[i] ?? 0) >= LANGS.length || (this.kind[i] ?? 0) >= KINDS.length) {
        throw damaged(file.file, `passage ${i} has an out-of-range field`);
      }
    }
  }

  static async open(path: string, check: ContainerCheck): Promise<PassageTable> {
    return new PassageTable(await ContainerReader.open(path, PASSAGE_KIND, check));
  }

  get size(): number {
    return this.docOrd.length;
  }

  langOf(ord: number): Lang {
    return LANGS[this.lang[ord] ?? 3] ?? 'und';
  }

  docIdOf(ord: number): string {
    return this.documents[this.docOrd[ord] ?? 0]?.id ?? '';
  }

  /** Reading-order key of a passage (its offset in the document). */
  startOf(ord: number): number {
    return this.start[ord] ?? 0;
  }

  kindOf(ord: number): PassageKind {
    return KINDS[this.kind[ord] ?? 1] ?? 'body';
  }

  idOf(ord: number): string {
    const part = this.part[ord] ?? 0;
    return citationId(this.docIdOf(ord), this.para[ord] ?? 0, part === 0 ? undefined : part);
  }

  /** The passage's text, read from disk and checked. */
  text(ord: number): string {
    return this.file.readLazy(this.textOff[ord] ?? 0, this.textLen[ord] ?? 0, this.crc[ord] ?? 0, `the text of passage ${ord}`).toString('utf8');
  }

  passage(ord: number): Passage {
    const part = this.part[ord] ?? 0;
    const docId = this.docIdOf(ord);
    const para = this.para[ord] ?? 0;
    return {
      id: citationId(docId, para, part === 0 ? undefined : part),
      docId,
      para,
      ...(part !== 0 ? { part } : {}),
      kind: this.kindOf(ord),
      start: this.start[ord] ?? 0,
      end: this.end[ord] ?? 0,
      text: this.text(ord),
      lang: this.langOf(ord),
    };
  }

  /** Finds a passage of document `d` by paragraph and part, or -1. */
  find(d: number, para: number, part: number): number {
    const from = this.docFirst[d] ?? 0;
    const to = this.docFirst[d + 1] ?? 0;
    for (let i = from; i < to; i++) if (this.para[i] === para && (this.part[i] ?? 0) === part) return i;
    return -1;
  }

  close(): void {
    this.file.close();
  }
}
