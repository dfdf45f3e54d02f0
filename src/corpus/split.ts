// Splits a paragraph too long for the embedding model's window into parts at sentence
// boundaries, keeping exact offsets. Linear in the paragraph length.

import { CLOSERS, SENTENCE_FINAL, isTrimmable, trimRange, type Range } from './chars.ts';

/**
 * Longest passage handed to the embedder. 512 tokens is the window of the multilingual models
 * in use; Arabic and Persian run at roughly 2.5–4 characters per subword token, so 1,200
 * characters stays under the window with room for the passage prefix.
 */
export const MAX_PASSAGE_CHARS = 1200;

/** Positions just after a sentence end (mark + closers + whitespace), or after a line break. */
function sentenceCuts(text: string, start: number, end: number): number[] {
  const cuts: number[] = [];
  for (let i = start; i < end; i++) {
    const ch = text.charAt(i);
    if (ch === '\n') {
      cuts.push(i + 1);
      continue;
    }
    if (!SENTENCE_FINAL.has(ch)) continue;
    let j = i + 1;
    while (j < end && CLOSERS.has(text.charAt(j))) j++;
    // A mark must be followed by whitespace: "3.5", "enabbaladi.net" and "U.S" do not end sentences.
    if (j < end && isTrimmable(text.charAt(j))) {
      while (j < end && isTrimmable(text.charAt(j))) j++;
      cuts.push(j);
      i = j - 1;
    }
  }
  return cuts;
}

/** Last whitespace position in (from, limit], or -1. */
function lastSpaceBefore(text: string, from: number, limit: number): number {
  for (let i = limit; i > from; i--) if (isTrimmable(text.charAt(i - 1))) return i;
  return -1;
}

/** A cut that never separates a UTF-16 surrogate pair. */
function safeHardCut(text: string, at: number): number {
  const code = text.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}

/**
 * Parts of [start, end): each at most `max` characters, trimmed, non-empty, in order. Parts are
 * balanced (a 1,300-character paragraph becomes two of ~650, not 1,200 + 100): the target length
 * is total / ceil(total / max), and a part closes at the first sentence end past the target.
 * Sentences longer than `max` fall back to the last space (near the target), then to a hard cut.
 */
export function splitLong(text: string, range: Range, max = MAX_PASSAGE_CHARS): Range[] {
  const total = range.end - range.start;
  if (total <= max) return [range];
  const target = Math.ceil(total / Math.ceil(total / max));
  const cuts = sentenceCuts(text, range.start, range.end);
  const parts: Range[] = [];
  let partStart = range.start;
  let ci = 0;
  while (range.end - partStart > max) {
    // Best sentence cut: the first one at or past the target, else the last one within max.
    let cut = -1;
    while (ci < cuts.length && (cuts[ci] ?? 0) <= partStart) ci++;
    for (let k = ci; k < cuts.length; k++) {
      const c = cuts[k] ?? 0;
      if (c - partStart > max) break;
      cut = c;
      if (c - partStart >= target) break;
    }
    if (cut < 0) {
      // No sentence end in reach: the last space before the balanced target, else before max.
      const balanced = lastSpaceBefore(text, partStart + Math.floor(target / 2), partStart + target);
      const space = balanced > 0 ? balanced : lastSpaceBefore(text, partStart, partStart + max);
      cut = space > partStart ? space : safeHardCut(text, partStart + target);
    }
    const r = trimRange(text, partStart, cut);
    if (r.start < r.end) parts.push(r);
    partStart = cut;
  }
  const last = trimRange(text, partStart, range.end);
  if (last.start < last.end) parts.push(last);
  return parts;
}
