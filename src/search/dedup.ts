// Groups syndicated copies: when several outlets reprint the same agency paragraph, search shows it
// once and lists the other copies (`alsoIn`). Only near-verbatim copies group; a rewrite of the same
// facts in other words stays a separate result, because it is a separate text: a quote taken from
// the head must verify against every passage listed with it.
//
// Similarity is containment of folded word 3-gram shingles, |A ∩ B| / min(|A|, |B|):
// - word shingles ignore punctuation, quote style and diacritics (folded), but a changed word breaks
//   the shingles around it, so paraphrase scores low. On the seeds, the rewrites of one SANA report
//   (e.g. corpus 001 p6 vs 003 p9: 0.20; 001 p9 vs 003 p10, which keep long verbatim spans: 0.42)
//   stay under the 0.6 default; a word added to or changed in a paragraph of n words keeps
//   (n-4)/(n-2) or (n-5)/(n-2) of the shingles, ≥ 0.6 from about 10 words on. Bigrams were tried:
//   they push those rewrites to 0.53, too close to the line;
// - containment rather than Jaccard, because an outlet that trims a sentence or adds a clause still
//   reprints the same paragraph; Jaccard would punish the length difference.

import { foldText } from '../text/normalize.ts';
import { splitWords } from '../text/tokenize.ts';

export interface DedupOptions<T> {
  /** Minimum shingle containment, 0–1, for two passages to count as copies. Default 0.6. */
  threshold?: number;
  /**
   * Where to get an item's fingerprint; computed from its text unless given. Folding and
   * shingling 50 candidates is most of a query's non-model time, so the searcher caches them.
   */
  fingerprintOf?: (item: T) => Fingerprint;
  /** Most groups formed; items that would start another are dropped. Default: no limit. */
  maxGroups?: number;
}

export interface DuplicateGroup<T> {
  head: T;
  also: T[];
}

export const DEDUP_DEFAULT_THRESHOLD = 0.6;
/** Words per shingle; the evidence view marks shared wording with the same unit. */
export const SHINGLE_WORDS = 3;

export interface Fingerprint {
  /** Folded words joined by spaces: exact comparison for texts too short to shingle. */
  words: string;
  shingles: Set<string>;
}

export function fingerprint(text: string): Fingerprint {
  const words = splitWords(foldText(text));
  const shingles = new Set<string>();
  for (let i = 0; i + SHINGLE_WORDS <= words.length; i++) shingles.add(words.slice(i, i + SHINGLE_WORDS).join(' '));
  return { words: words.join(' '), shingles };
}

/** Containment similarity of two fingerprints, 0–1. */
export function shingleSimilarity(a: string, b: string): number {
  return similarity(fingerprint(a), fingerprint(b));
}

function similarity(a: Fingerprint, b: Fingerprint): number {
  const small = a.shingles.size <= b.shingles.size ? a.shingles : b.shingles;
  const large = small === a.shingles ? b.shingles : a.shingles;
  // Under three words there are no shingles: such texts (a section tag, a one-word caption) are
  // copies only when their words are identical.
  if (small.size === 0) return a.words.length > 0 && a.words === b.words ? 1 : 0;
  let shared = 0;
  for (const s of small) if (large.has(s)) shared++;
  return shared / small.size;
}

/**
 * Groups near-identical passages of different documents, keeping the ranked order of the heads.
 * Each item, in rank order, joins the first earlier group whose head it matches (similarity ≥
 * threshold) and which has no member from its own document; otherwise it starts a new group.
 * Items of one document never share a group, so a result list never hides a passage behind
 * another passage of the same article.
 *
 * Heads are found through an index from shingle to the groups whose head holds it, so an item
 * is compared only with heads it shares words with: comparing every item with every head cost
 * ~100 ms for k = 50 (250 candidates), on the event loop every other request waits on. With
 * `maxGroups`, no group is started past that many (callers that show only the first groups).
 */
export function groupNearDuplicates<T extends { docId: string; text: string }>(
  ranked: readonly T[],
  opts: DedupOptions<T> = {},
): Array<DuplicateGroup<T>> {
  const fingerprintOf = opts.fingerprintOf ?? ((item: T) => fingerprint(item.text));
  const threshold = opts.threshold ?? DEDUP_DEFAULT_THRESHOLD;
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new Error(`dedup threshold must be between 0 and 1, got ${threshold}`);
  }
  const maxGroups = opts.maxGroups ?? Infinity;
  const groups: Array<{ group: DuplicateGroup<T>; print: Fingerprint; docs: Set<string> }> = [];
  /** Shingle → indexes of the groups whose head has it, ascending. */
  const byShingle = new Map<string, number[]>();
  /** Folded words → groups whose head has no shingles (under three words) and exactly these words. */
  const byWords = new Map<string, number[]>();
  const shared = new Map<number, number>();
  for (const item of ranked) {
    const print = fingerprintOf(item);
    let home: number | undefined;
    const eligible = (g: number) => !groups[g]?.docs.has(item.docId) && (home === undefined || g < home);
    if (print.shingles.size === 0) {
      // Under three words: a copy only of a head with exactly these words (which has no shingles either).
      if (print.words.length > 0) for (const g of byWords.get(print.words) ?? []) if (eligible(g)) home = g;
      if (threshold === 0) home = firstEligible(groups.length, eligible);
    } else {
      shared.clear();
      for (const s of print.shingles) for (const g of byShingle.get(s) ?? []) shared.set(g, (shared.get(g) ?? 0) + 1);
      for (const [g, count] of shared) {
        const head = groups[g]?.print.shingles.size ?? 0;
        if (eligible(g) && count / Math.min(head, print.shingles.size) >= threshold) home = g;
      }
      // Only a zero threshold lets heads that share nothing match.
      if (threshold === 0) home = firstEligible(groups.length, eligible) ?? home;
    }
    const found = home === undefined ? undefined : groups[home];
    if (found) {
      found.group.also.push(item);
      found.docs.add(item.docId);
    } else if (groups.length < maxGroups) {
      const g = groups.length;
      groups.push({ group: { head: item, also: [] }, print, docs: new Set([item.docId]) });
      if (print.shingles.size === 0) byWords.set(print.words, [...(byWords.get(print.words) ?? []), g]);
      for (const s of print.shingles) {
        const list = byShingle.get(s);
        if (list) list.push(g);
        else byShingle.set(s, [g]);
      }
    }
  }
  return groups.map((g) => g.group);
}

function firstEligible(count: number, eligible: (g: number) => boolean): number | undefined {
  for (let g = 0; g < count; g++) if (eligible(g)) return g;
  return undefined;
}
