// Markup left inside text: the tail of an HTML tag pasted after a paragraph
// (`…body text src="/x.jpg" alt="caption">`), a Markdown image line, or the caption lines the
// HTML extractor writes. The body before the markup stays a paragraph; the alt text becomes a
// caption passage whose offsets point at the alt value itself, so the citation is still exact.

import { hasLetter, trimRange, type Range } from './chars.ts';

export interface UnitPieces {
  /** The paragraph text with the markup cut off; absent when nothing readable is left. */
  body?: Range;
  /** Alt texts / caption values, in reading order. */
  captions: Range[];
}

/** Caption line written by the HTML extractor for `<img alt>` and `<figcaption>`. */
export const CAPTION_LINE_PREFIX = '[image: ';
export const CAPTION_LINE_SUFFIX = ']';

/**
 * Where an attribute run may begin: after a space or at the start, optionally with the tag's
 * `<name` in front. Only the last TAIL_WINDOW characters of a unit are searched, which keeps the
 * scan linear on pathological input (a 20 MB line full of `x="`).
 */
const ATTR_START = /(?:<[a-z][a-z0-9]*\s+|(?<=^|\s))(?=[a-z][\w:.-]*\s*=\s*["'])/gi;
const ATTR = /\s*([a-z][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/iy;
const TAG_END = /\s*\/?>?\s*$/y;
const TAIL_WINDOW = 8000;

/** Attribute names whose value a reader would see: the alt text of an image. */
const CAPTION_ATTRS = new Set(['alt']);

interface Tail {
  cut: number;
  captions: Range[];
}

/** Finds an attribute run that extends to the end of [start, end) and collects its alt values. */
function findAttributeTail(text: string, start: number, end: number): Tail | undefined {
  const from = Math.max(start, end - TAIL_WINDOW);
  const scope = text.slice(from, end);
  if (!scope.includes('=')) return undefined;
  ATTR_START.lastIndex = 0;
  for (let m = ATTR_START.exec(scope); m; m = ATTR_START.exec(scope)) {
    // Zero-length lookahead match: step past it so the loop always advances.
    if (m[0].length === 0) ATTR_START.lastIndex++;
    const captions: Range[] = [];
    let pos = m.index + m[0].length;
    let pairs = 0;
    for (;;) {
      ATTR.lastIndex = pos;
      const a = ATTR.exec(scope);
      if (!a) break;
      pairs++;
      const name = (a[1] ?? '').toLowerCase();
      const value = a[2] ?? a[3] ?? '';
      if (CAPTION_ATTRS.has(name)) {
        const valueEnd = from + ATTR.lastIndex - 1;
        const r = trimRange(text, valueEnd - value.length, valueEnd);
        if (r.start < r.end && hasLetter(text.slice(r.start, r.end))) captions.push(r);
      }
      pos = ATTR.lastIndex;
    }
    TAG_END.lastIndex = pos;
    if (pairs > 0 && TAG_END.test(scope)) return { cut: from + m.index, captions };
    // Any candidate inside this failed run would end at the same place and fail too: skip it,
    // so each character is parsed at most once.
    if (pos > ATTR_START.lastIndex) ATTR_START.lastIndex = pos;
  }
  return undefined;
}

const MD_IMAGE = /^!\[([^\]\n]*)\]\([^)\n]*\)$/;

/** Splits one unit into its readable body and any captions carried by markup. */
export function splitUnitPieces(text: string, unit: Range): UnitPieces {
  const slice = text.slice(unit.start, unit.end);

  if (slice.startsWith(CAPTION_LINE_PREFIX) && slice.endsWith(CAPTION_LINE_SUFFIX)) {
    const r = trimRange(text, unit.start + CAPTION_LINE_PREFIX.length, unit.end - CAPTION_LINE_SUFFIX.length);
    return { captions: r.start < r.end ? [r] : [] };
  }

  const md = MD_IMAGE.exec(slice);
  if (md) {
    const alt = md[1] ?? '';
    const r = trimRange(text, unit.start + 2, unit.start + 2 + alt.length);
    return { captions: r.start < r.end && hasLetter(alt) ? [r] : [] };
  }

  const tail = findAttributeTail(text, unit.start, unit.end);
  if (!tail) return { body: unit, captions: [] };
  const body = trimRange(text, unit.start, tail.cut);
  return body.start < body.end && hasLetter(text.slice(body.start, body.end))
    ? { body, captions: tail.captions }
    : { captions: tail.captions };
}
