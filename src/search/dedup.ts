// Groups syndicated copies: when several outlets reprint the same paragraph, search shows it once
// and lists the other copies (`alsoIn`), so the assistant can cite every outlet that printed it.
//
// A passage joins a result's group only when its folded text is identical to the head's: the same
// words in the same order, differing at most in what folding removes (diacritics, tatweel, hamza
// and yeh/kaf forms, digit scripts, quote and dash styles, spacing). That is exactly what
// verify_quote's `normalized` level accepts, so any quote taken from the head verifies against every
// id in `alsoIn`, and a group can never hide a sentence, a number, a date or a name that only a copy
// has: a copy that adds, drops or changes a word stays a result of its own. (An earlier rule grouped
// by word-shingle containment ≥ 0.6 and folded longer passages under shorter heads that lacked the
// answering sentence; BENCHMARKS.md measures the change.)

import { foldText } from '../text/normalize.ts';

export interface DedupOptions<T> {
  /**
   * Where to get an item's copy key (its folded text); computed from the text unless given. The
   * searcher caches keys per passage.
   */
  keyOf?: (item: T) => string;
  /** Most groups formed; items that would start another are dropped. Default: no limit. */
  maxGroups?: number;
}

export interface DuplicateGroup<T> {
  head: T;
  also: T[];
}

/** The text two copies must share: folded, so only differences folding removes are tolerated. */
export function copyKey(text: string): string {
  return foldText(text);
}

/**
 * Groups copies of the same text in different documents, keeping the ranked order of the heads.
 * Each item, in rank order, joins the first earlier group with the same copy key that has no
 * member from its own document; otherwise it starts a new group. Items of one document never share
 * a group, so a result list never hides a passage behind another passage of the same article. An
 * empty text is never a copy of anything. Linear: each item looks up its key once. With
 * `maxGroups`, no group is started past that many (callers that show only the first groups).
 */
export function groupCopies<T extends { docId: string; text: string }>(
  ranked: readonly T[],
  opts: DedupOptions<T> = {},
): Array<DuplicateGroup<T>> {
  const keyOf = opts.keyOf ?? ((item: T) => copyKey(item.text));
  const maxGroups = opts.maxGroups ?? Infinity;
  const groups: Array<DuplicateGroup<T> & { docs: Set<string> }> = [];
  const byKey = new Map<string, Array<DuplicateGroup<T> & { docs: Set<string> }>>();
  for (const item of ranked) {
    const key = keyOf(item);
    const candidates = key.length > 0 ? (byKey.get(key) ?? []) : [];
    const home = candidates.find((g) => !g.docs.has(item.docId));
    if (home) {
      home.also.push(item);
      home.docs.add(item.docId);
      continue;
    }
    if (groups.length >= maxGroups) continue;
    const group = { head: item, also: [], docs: new Set([item.docId]) };
    groups.push(group);
    if (key.length > 0) byKey.set(key, [...candidates, group]);
  }
  return groups.map(({ head, also }) => ({ head, also }));
}
