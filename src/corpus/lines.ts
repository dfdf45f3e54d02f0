// Cuts a document's text into units: the candidate paragraphs that furniture rules and the
// segmenter look at. Every unit is a trimmed range into the original text, so whatever is built
// from units keeps exact offsets.

import { trimRange, type Range } from './chars.ts';

export interface Unit extends Range {
  /** Markdown heading level when the unit is an ATX heading (`# …`); the range excludes the marks. */
  heading?: number;
  /** YAML front matter at the top of a Markdown file: never content. */
  frontMatter?: boolean;
}

interface Line extends Range {
  blank: boolean;
}

/** Lines without their terminators (`\n`, `\r\n` or a lone `\r`), in order. Linear. */
export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = i < text.length ? text.charCodeAt(i) : -1;
    if (ch !== 10 && ch !== 13 && ch !== -1) continue;
    const r = trimRange(text, start, i);
    lines.push({ start, end: i, blank: r.start === r.end });
    if (ch === 13 && text.charCodeAt(i + 1) === 10) i++;
    start = i + 1;
  }
  return lines;
}

const MD_HEADING = /^(#{1,6})[ \t]+/;
const MD_CLOSING_HASHES = /[ \t]+#+[ \t]*$/;
/** Lines that start a new unit in block mode: list items, quotes, thematic breaks. */
const MD_STARTS_UNIT = /^(?:[-*+][ \t]|\d{1,3}[.)][ \t]|>|(?:[-*_][ \t]*){3,}$)/;
/** A line that is only a Markdown image: always a unit of its own (its alt is a caption). */
const MD_IMAGE_LINE = /^!\[[^\]\n]*\]\([^)\n]*\)$/;

/**
 * Hard-wrapped plain text (paragraphs broken every ~70 columns, blank lines between paragraphs)
 * must be read in blocks, or every wrapped line would become a passage. Seed-like text (one
 * paragraph per line, long lines) must not: the long-line test keeps them apart.
 */
export function looksHardWrapped(text: string, lines: readonly Line[]): boolean {
  // Blocks: runs of non-blank lines. Wrapped text has several blocks, most of them multi-line.
  const blockSizes: number[] = [];
  let run = 0;
  for (const l of lines) {
    if (!l.blank) run++;
    else if (run > 0) {
      blockSizes.push(run);
      run = 0;
    }
  }
  if (run > 0) blockSizes.push(run);
  const nonBlank = lines.filter((l) => !l.blank);
  if (nonBlank.length < 6 || blockSizes.length < 2 || text.length === 0) return false;
  const multiLine = blockSizes.filter((n) => n >= 2).length;
  const lengths = nonBlank.map((l) => l.end - l.start).sort((a, b) => a - b);
  const p90 = lengths[Math.floor(lengths.length * 0.9)] ?? 0;
  return multiLine / blockSizes.length >= 0.5 && p90 <= 100;
}

function headingUnit(text: string, line: Line): Unit | undefined {
  const slice = text.slice(line.start, line.end);
  const lead = slice.replace(/^[ \t]+/, '');
  const m = MD_HEADING.exec(lead);
  if (!m) return undefined;
  const markEnd = line.start + (slice.length - lead.length) + m[0].length;
  let end = line.end;
  const closing = MD_CLOSING_HASHES.exec(text.slice(markEnd, line.end));
  if (closing) end = markEnd + closing.index;
  const r = trimRange(text, markEnd, end);
  return r.start < r.end ? { ...r, heading: (m[1] ?? '#').length } : undefined;
}

/** Front matter: a `---` first line up to the next `---` or `...` line. */
function frontMatterEnd(text: string, lines: readonly Line[]): number {
  const first = lines[0];
  if (!first || text.slice(first.start, first.end).trim() !== '---') return -1;
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    if (!l) break;
    const t = text.slice(l.start, l.end).trim();
    if (t === '---' || t === '...') return i;
  }
  return -1;
}

/**
 * Units of a document. `lines` mode: every non-blank line is a unit (the seeds' shape: one
 * paragraph per line). `blocks` mode (Markdown, hard-wrapped text): runs of non-blank lines are
 * one unit, except headings, list items and images, which always stand alone.
 */
export function splitUnits(text: string, mode: 'lines' | 'blocks'): Unit[] {
  const lines = splitLines(text);
  const units: Unit[] = [];
  let i = 0;
  if (mode === 'blocks') {
    const fmEnd = frontMatterEnd(text, lines);
    const fmLast = lines[fmEnd];
    const fmFirst = lines[0];
    if (fmEnd > 0 && fmLast && fmFirst) {
      units.push({ start: fmFirst.start, end: fmLast.end, frontMatter: true });
      i = fmEnd + 1;
    }
  }
  let open: Unit | undefined;
  const close = (): void => {
    if (open) units.push(open);
    open = undefined;
  };
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    if (line.blank) {
      close();
      continue;
    }
    const r = trimRange(text, line.start, line.end);
    if (mode === 'lines') {
      units.push(r);
      continue;
    }
    const slice = text.slice(r.start, r.end);
    const heading = headingUnit(text, line);
    if (heading || MD_IMAGE_LINE.test(slice)) {
      close();
      units.push(heading ?? r);
      continue;
    }
    if (MD_STARTS_UNIT.test(slice)) {
      // A list item or quote starts a unit; its wrapped continuation lines join it below.
      close();
      open = { ...r };
      continue;
    }
    if (open) open.end = r.end;
    else open = { ...r };
  }
  close();
  return units;
}
