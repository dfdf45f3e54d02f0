// The pool an evaluation searches, and how gold ids name things in it.
//
// Two kinds of pool:
// - a passage set (passages.jsonl or a folder of one file per passage): each passage becomes one
//   document of a temporary index, and a gold id names that document. The segmenter may still cut
//   it into several citable passages (a title line, a long paragraph split at sentence ends), so a
//   hit on ANY passage of the gold document counts, and several hits on one document count once.
// - an existing index: a gold id is either a citation id (`doc.txt#p3`; a hit on `doc.txt#p3` or
//   on a part `doc.txt#p3.2` counts) or a document id (`doc.txt`, or `doc` without its extension;
//   a hit on any of its passages counts).
// A result folded as a near-duplicate (`alsoIn`) cites those passages too, so it counts for them.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { DocumentMeta, Passage, SearchHit } from '../types.ts';
import type { EvalPassage } from './query-set.ts';

export type GoldRef = { kind: 'document'; docId: string } | { kind: 'passage'; citation: string; docId: string };

export interface PoolContents {
  documents: readonly DocumentMeta[];
  passages: readonly Pick<Passage, 'id' | 'docId' | 'lang' | 'start' | 'end'>[];
}

/** For a passage-set pool: which passage id each index document stands for, and its language. */
export interface PassageSetMap {
  /** index document id (file name) → passage id of the evaluation set */
  poolIdOfDoc: ReadonlyMap<string, string>;
  /** passage id → language as the set gives it */
  langOfPoolId: ReadonlyMap<string, string>;
}

const EXTENSION = /\.(txt|md|markdown|html?)$/i;

/** The document part of a citation id (`dir/a.txt#p3.2` → `dir/a.txt`). */
export function docOfCitation(citation: string): string {
  const hash = citation.lastIndexOf('#');
  return hash < 0 ? citation : citation.slice(0, hash);
}

export class EvalPool {
  private readonly docs: Map<string, DocumentMeta>;
  private readonly citations: Map<string, string>;
  private readonly docOfPoolId: Map<string, string>;
  /** Document ids keyed by their id without extension, for gold ids written that way. */
  private readonly docsByStem = new Map<string, string[]>();
  private readonly citationLang: Map<string, string>;

  constructor(
    readonly contents: PoolContents,
    private readonly passageSet?: PassageSetMap,
  ) {
    this.docs = new Map(contents.documents.map((d) => [d.id, d]));
    this.citations = new Map(contents.passages.map((p) => [p.id, p.docId]));
    this.citationLang = new Map(contents.passages.map((p) => [p.id, p.lang]));
    this.docOfPoolId = new Map([...(passageSet?.poolIdOfDoc ?? new Map<string, string>())].map(([doc, id]) => [id, doc]));
    for (const d of contents.documents) {
      for (const stem of new Set([d.id.replace(EXTENSION, ''), path.posix.basename(d.id).replace(EXTENSION, '')])) {
        this.docsByStem.set(stem, [...(this.docsByStem.get(stem) ?? []), d.id]);
      }
    }
  }

  get kind(): 'passage-set' | 'index' {
    return this.passageSet ? 'passage-set' : 'index';
  }

  /** What a gold id names in this pool, or undefined when it is not in the pool. */
  resolve(gold: string): GoldRef | undefined {
    if (this.passageSet) {
      const docId = this.docOfPoolId.get(gold);
      return docId !== undefined && this.docs.has(docId) ? { kind: 'document', docId } : undefined;
    }
    if (gold.includes('#')) {
      const docId = this.citations.get(gold);
      if (docId !== undefined) return { kind: 'passage', citation: gold, docId };
      // A paragraph split into parts is cited as its parts; the paragraph id names them all.
      const partDoc = this.citations.get(`${gold}.1`);
      return partDoc !== undefined ? { kind: 'passage', citation: gold, docId: partDoc } : undefined;
    }
    if (this.docs.has(gold)) return { kind: 'document', docId: gold };
    const byStem = this.docsByStem.get(gold);
    return byStem?.length === 1 && byStem[0] !== undefined ? { kind: 'document', docId: byStem[0] } : undefined;
  }

  /** Language of what a gold id names: the set's own label for a passage set, else the index's. */
  lang(gold: string): string | undefined {
    if (this.passageSet) return this.passageSet.langOfPoolId.get(gold);
    const ref = this.resolve(gold);
    if (!ref) return undefined;
    if (ref.kind === 'document') return this.docs.get(ref.docId)?.lang;
    return this.citationLang.get(ref.citation) ?? this.citationLang.get(`${ref.citation}.1`);
  }

  /** The id a hit is ranked under when it credits no gold id: its document's pool id, or its citation. */
  unitOf(hit: Pick<SearchHit, 'citation' | 'docId'>, level: GoldRef['kind']): string {
    if (level === 'passage') return hit.citation;
    return this.passageSet?.poolIdOfDoc.get(hit.docId) ?? hit.docId;
  }

  /**
   * Share of each source's characters that ended up in citable passages (1 = all of it), from
   * the decoded length of every source file (UTF-16 units, as passage offsets are). A low share
   * means the segmenter dropped text as furniture: the pool would not be the text that was given.
   */
  coverage(sourceLength: ReadonlyMap<string, number>): { mean: number; min: number; below90: string[] } {
    const indexed = new Map<string, number>();
    for (const p of this.contents.passages) indexed.set(p.docId, (indexed.get(p.docId) ?? 0) + (p.end - p.start));
    const shares: Array<[string, number]> = [];
    for (const [docId, length] of sourceLength) {
      if (length > 0) shares.push([docId, Math.min(1, (indexed.get(docId) ?? 0) / length)]);
    }
    if (shares.length === 0) return { mean: 0, min: 0, below90: [] };
    return {
      mean: shares.reduce((n, [, s]) => n + s, 0) / shares.length,
      min: Math.min(...shares.map(([, s]) => s)),
      below90: shares.filter(([, s]) => s < 0.9).map(([id]) => this.unitOf({ citation: id, docId: id }, 'document')),
    };
  }
}

/** Whether a hit (or one of its folded copies, `citation` here) cites what `ref` names. */
export function credits(ref: GoldRef, citation: string): boolean {
  if (ref.kind === 'document') return docOfCitation(citation) === ref.docId;
  return citation === ref.citation || citation.startsWith(`${ref.citation}.`);
}

/**
 * One query's results as a ranked list of ids, the format the reference scorer reads: a hit that
 * cites a gold id not yet ranked is written as that gold id, any other hit as its unit id
 * (document or citation, matching the level the gold ids are given at).
 */
export function rankedIds(
  hits: readonly Pick<SearchHit, 'citation' | 'docId' | 'alsoIn'>[],
  gold: ReadonlyArray<{ id: string; ref: GoldRef }>,
  pool: EvalPool,
): string[] {
  const level: GoldRef['kind'] = gold.some((g) => g.ref.kind === 'passage') ? 'passage' : 'document';
  const seen = new Set<string>();
  const out: string[] = [];
  for (const hit of hits) {
    const cited = [hit.citation, ...hit.alsoIn];
    const credited = gold.find((g) => !seen.has(g.id) && cited.some((c) => credits(g.ref, c)));
    const id = credited?.id ?? pool.unitOf(hit, level);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}

/**
 * A file name for a passage id: the id itself when it is a plain name, otherwise a readable
 * prefix plus a hash, so ids with slashes, colons or odd characters still get one file each.
 */
export function passageFileName(id: string): string {
  if (/^[\p{L}\p{N}][\p{L}\p{N}._-]{0,150}$/u.test(id)) return `${id}.txt`;
  const stem = id.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 60);
  return `${stem}-${createHash('sha256').update(id).digest('hex').slice(0, 12)}.txt`;
}

/**
 * Writes one file per passage into `dir` (which must be empty or new). The text is written alone
 * by default: dev-set titles name the whole article (five XQuAD paragraphs share one, in English),
 * so a title line would add the same words to five documents and fold them as duplicates.
 */
export async function writePassageCorpus(
  passages: readonly EvalPassage[],
  dir: string,
  opts: { titles?: boolean } = {},
): Promise<PassageSetMap & { sourceLength: Map<string, number> }> {
  await mkdir(dir, { recursive: true });
  const sourceLength = new Map<string, number>();
  const poolIdOfDoc = new Map<string, string>();
  const langOfPoolId = new Map<string, string>();
  for (const p of passages) {
    const name = passageFileName(p.id);
    if (poolIdOfDoc.has(name)) throw new Error(`passages ${poolIdOfDoc.get(name)} and ${p.id} map to one file name ${name}; give them distinct ids`);
    const body = opts.titles && p.title ? `${p.title}\n\n${p.text}\n` : `${p.text}\n`;
    await writeFile(path.join(dir, name), body);
    sourceLength.set(name, body.trimEnd().length);
    poolIdOfDoc.set(name, p.id);
    langOfPoolId.set(p.id, p.lang);
  }
  return { poolIdOfDoc, langOfPoolId, sourceLength };
}

/** For a folder of one file per passage: the pool id of a file is its name without extension. */
export function passageDirMap(documents: readonly DocumentMeta[]): PassageSetMap {
  const poolIdOfDoc = new Map<string, string>();
  const langOfPoolId = new Map<string, string>();
  const docOfId = new Map<string, string>();
  for (const d of documents) {
    const id = path.posix.basename(d.id).replace(EXTENSION, '');
    const other = docOfId.get(id);
    if (other !== undefined) throw new Error(`${other} and ${d.id} both stand for passage id "${id}"; give the files distinct names`);
    docOfId.set(id, d.id);
    poolIdOfDoc.set(d.id, id);
    langOfPoolId.set(id, d.lang);
  }
  return { poolIdOfDoc, langOfPoolId };
}
