// One source document → its citable passages and metadata. Pure: the result depends only on the
// document's id and text, so citation ids are stable across runs and machines.
//
// Pipeline: units (lines or blocks) → furniture roles → markup remnants cut (captions split
// off) → title → subheadings merged into the paragraph they introduce, stray fragments dropped
// → long paragraphs split at sentence ends → numbered passages with exact offsets.

import type { IngestedDocument, Lang, Passage, PassageKind, SourceDocument } from '../types.ts';
import { countWords, endsWithSentencePunct, hasLetter, type Range } from './chars.ts';
import { classifyUnits, type UnitRole } from './furniture.ts';
import { looksHardWrapped, splitLines, splitUnits, type Unit } from './lines.ts';
import { collectDates, detectLanguage, extractPublication } from './metadata.ts';
import { splitUnitPieces } from './remnants.ts';
import { MAX_PASSAGE_CHARS, splitLong } from './split.ts';

export { MAX_PASSAGE_CHARS } from './split.ts';

/**
 * Bump whenever a change here, in the furniture rules or in the splitter can change passage
 * boundaries or ids: indexes built by an older segmenter must then be rebuilt.
 */
export const SEGMENTER_VERSION = 1;

/** A first line longer than this is a paragraph, not a headline. */
export const TITLE_MAX_CHARS = 200;
/** Short unpunctuated lines up to this size are subheadings: they join the next paragraph. */
export const SUBHEADING_MAX_CHARS = 80;
const SUBHEADING_MAX_WORDS = 10;
/** Below this a line is a fragment ("—", "1", "نعم"): merged forward or dropped. */
export const FRAGMENT_MIN_CHARS = 12;
/** A derived title (no title line) is the first words of the first paragraph. */
const DERIVED_TITLE_WORDS = 8;
const DERIVED_TITLE_MAX_CHARS = 80;

type Item =
  | { kind: 'body'; range: Range; heading: boolean }
  | { kind: 'caption'; range: Range }
  | { kind: 'break' };

interface Para {
  kind: PassageKind;
  range: Range;
}

function extension(id: string): string {
  const dot = id.lastIndexOf('.');
  return dot > id.lastIndexOf('/') ? id.slice(dot + 1).toLowerCase() : '';
}

function unitMode(doc: SourceDocument): 'lines' | 'blocks' {
  const ext = extension(doc.id);
  if (ext === 'md' || ext === 'markdown') return 'blocks';
  if (ext === 'html' || ext === 'htm') return 'lines';
  return looksHardWrapped(doc.text, splitLines(doc.text)) ? 'blocks' : 'lines';
}

/** Reading-order items: bodies and captions of content units; furniture becomes a break. */
function toItems(text: string, units: readonly Unit[], roles: readonly UnitRole[]): Item[] {
  const items: Item[] = [];
  units.forEach((u, i) => {
    if (roles[i] !== 'content') {
      if (items[items.length - 1]?.kind !== 'break') items.push({ kind: 'break' });
      return;
    }
    const pieces = splitUnitPieces(text, u);
    if (pieces.body) items.push({ kind: 'body', range: pieces.body, heading: u.heading !== undefined });
    for (const c of pieces.captions) items.push({ kind: 'caption', range: c });
  });
  return items;
}

function isTitleLine(text: string, item: Item | undefined, hasMore: boolean): item is Item & { kind: 'body' } {
  if (!item || item.kind !== 'body' || !hasMore) return false;
  const t = text.slice(item.range.start, item.range.end);
  if (item.heading) return t.length <= TITLE_MAX_CHARS * 1.5;
  return t.length <= TITLE_MAX_CHARS && !t.includes('\n') && !endsWithSentencePunct(t) && hasLetter(t);
}

function isFragment(t: string): boolean {
  return t.length < FRAGMENT_MIN_CHARS || countWords(t) < 2 || !hasLetter(t);
}

function isSubheading(t: string, heading: boolean): boolean {
  if (heading) return true;
  return t.length <= SUBHEADING_MAX_CHARS && countWords(t) <= SUBHEADING_MAX_WORDS && !endsWithSentencePunct(t);
}

/**
 * Paragraphs from items. A subheading or fragment immediately followed by a paragraph (only
 * whitespace between) starts that paragraph, so the passage spans both lines. One followed by
 * furniture or the end of the text is dropped; one followed by a caption stands alone unless it
 * is a mere fragment. `keepAll` (used when nothing else would be left) keeps every line.
 */
function toParagraphs(text: string, items: readonly Item[], keepAll: boolean): Para[] {
  const paras: Para[] = [];
  let pendingStart: number | undefined;
  items.forEach((item, i) => {
    if (item.kind === 'break') {
      pendingStart = undefined;
      return;
    }
    if (item.kind === 'caption') {
      paras.push({ kind: 'caption', range: item.range });
      return;
    }
    const t = text.slice(item.range.start, item.range.end);
    const next = items[i + 1];
    const fragment = isFragment(t);
    if (!keepAll && (fragment || isSubheading(t, item.heading))) {
      if (next?.kind === 'body') {
        pendingStart ??= item.range.start;
        return;
      }
      const standalone = next?.kind === 'caption' && !fragment;
      if (!standalone) {
        pendingStart = undefined;
        return;
      }
    }
    paras.push({ kind: 'body', range: { start: pendingStart ?? item.range.start, end: item.range.end } });
    pendingStart = undefined;
  });
  return paras;
}

function derivedTitle(text: string): string {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  let title = words.slice(0, DERIVED_TITLE_WORDS).join(' ');
  if (title.length > DERIVED_TITLE_MAX_CHARS) {
    const space = title.lastIndexOf(' ', DERIVED_TITLE_MAX_CHARS);
    title = title.slice(0, space > 0 ? space : DERIVED_TITLE_MAX_CHARS);
  }
  const truncated = title.length < words.join(' ').length;
  return truncated ? `${title.replace(/[\s،,:;.؛-]+$/u, '')}…` : title;
}

/** Splits a document into passages (title p0, body and captions from p1) and derives its metadata. */
export function segmentDocument(doc: SourceDocument): IngestedDocument {
  const { text } = doc;
  const units = splitUnits(text, unitMode(doc));
  const roles = classifyUnits(text, units);
  const items = toItems(text, units, roles);

  const firstBody = items.findIndex((it) => it.kind !== 'break');
  const first = items[firstBody];
  const hasMore = items.some((it, i) => i > firstBody && it.kind === 'body');
  const titleItem = isTitleLine(text, first, hasMore) ? first : undefined;
  const bodyItems = titleItem ? items.slice(firstBody + 1) : items;

  let paras = toParagraphs(text, bodyItems, false);
  if (!paras.some((p) => p.kind === 'body')) paras = toParagraphs(text, bodyItems, true);
  if (titleItem) paras.unshift({ kind: 'title', range: titleItem.range });

  const bodyText = paras.map((p) => text.slice(p.range.start, p.range.end)).join('\n');
  const docLang = detectLanguage(bodyText);
  const passages: Passage[] = [];
  let para = titleItem ? 0 : 1;
  for (const p of paras) {
    const parts = splitLong(text, p.range, MAX_PASSAGE_CHARS);
    parts.forEach((r, k) => {
      const passageText = text.slice(r.start, r.end);
      const detected = detectLanguage(passageText);
      const lang: Lang = detected === 'und' ? docLang : detected;
      const passage: Passage = {
        id: parts.length > 1 ? `${doc.id}#p${para}.${k + 1}` : `${doc.id}#p${para}`,
        docId: doc.id,
        para,
        kind: p.kind,
        start: r.start,
        end: r.end,
        text: passageText,
        lang,
      };
      if (parts.length > 1) passage.part = k + 1;
      passages.push(passage);
    });
    para++;
  }

  const furnitureText = (role: UnitRole): string[] =>
    units.filter((_, i) => roles[i] === role).map((u) => text.slice(u.start, u.end));
  const publication = extractPublication({
    disclaimers: furnitureText('disclaimer'),
    credits: furnitureText('credit'),
    datelines: furnitureText('dateline'),
  });
  // Dates in reading order across passages and the lines that state publication.
  const dated = [
    ...passages.map((p) => ({ start: p.start, text: p.text })),
    ...units
      .filter((_, i) => roles[i] === 'disclaimer' || roles[i] === 'credit' || roles[i] === 'dateline')
      .map((u) => ({ start: u.start, text: text.slice(u.start, u.end) })),
  ].sort((a, b) => a.start - b.start);

  const titlePassage = passages.find((p) => p.kind === 'title');
  const firstBodyPassage = passages.find((p) => p.kind === 'body') ?? passages[0];
  const title = titlePassage?.text ?? derivedTitle(firstBodyPassage?.text ?? doc.id);

  return {
    meta: {
      id: doc.id,
      path: doc.path,
      title,
      lang: docLang,
      ...publication,
      dates: collectDates(dated.map((d) => d.text)),
      sha256: doc.sha256,
      bytes: doc.bytes,
      passageCount: passages.length,
    },
    passages,
  };
}
