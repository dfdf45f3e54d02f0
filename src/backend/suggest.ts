// "Did you mean" for ids, at a cost bounded by the index, not by what a client sends. Comparing an
// unknown id with every id by full edit distance took 85 s for a 100,000-character id over 5,000
// documents, with every other request waiting. Here:
// - an id longer than any real id plus the typo allowance cannot be near one: answered at once;
// - candidates come from a character-trigram index (ids sharing rare trigrams) and from the ids
//   next to it in sorted order (shared prefix), a fixed number of each;
// - each candidate's edit distance is computed only inside the band the allowance permits, and
//   abandoned as soon as it exceeds it.
// Pure: built from a list of ids once per snapshot, for backends that hold the id list in process.

/** Edits allowed for an id of `length` characters to count as a typo of it. */
export function typoAllowance(length: number): number {
  return Math.max(3, Math.floor(length * 0.4));
}

/** Trigrams in more ids than this say little about which id was meant; they are not counted. */
const MAX_POSTING = 2048;
/** Candidates verified by edit distance, from the trigram counts and from the sorted neighbours. */
const GRAM_CANDIDATES = 64;
const PREFIX_NEIGHBOURS = 16;

/**
 * Levenshtein distance of `a` and `b` when it is at most `limit`, else `limit + 1`. Only the
 * diagonal band |i − j| ≤ limit is filled: O(limit · min(|a|, |b|)) time.
 */
export function boundedEditDistance(a: string, b: string, limit: number): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const over = limit + 1;
  const width = b.length + 1;
  let prev = new Int32Array(width).fill(over);
  let cur = new Int32Array(width).fill(over);
  for (let j = 0; j <= Math.min(b.length, limit); j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - limit);
    const to = Math.min(b.length, i + limit);
    cur.fill(over, Math.max(0, from - 1), Math.min(width, to + 2));
    cur[0] = i <= limit ? i : over;
    let rowMin = cur[0] ?? over;
    const ca = a.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      const sub = (prev[j - 1] ?? over) + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      const del = (prev[j] ?? over) + 1;
      const ins = (cur[j - 1] ?? over) + 1;
      const v = Math.min(sub, del, ins, over);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return over;
    [prev, cur] = [cur, prev];
  }
  return Math.min(prev[b.length] ?? over, over);
}

function trigrams(s: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + 3 <= s.length; i++) out.add(s.slice(i, i + 3));
  return out;
}

export class IdSuggester {
  /** Lower-cased ids, sorted, with the original spelling alongside. */
  private readonly sorted: Array<{ lower: string; id: string }>;
  private readonly maxLength: number;
  private postings: Map<string, number[]> | null = null;

  constructor(ids: Iterable<string>) {
    this.sorted = [...new Set(ids)].map((id) => ({ lower: id.toLowerCase(), id })).sort((x, y) => (x.lower < y.lower ? -1 : x.lower > y.lower ? 1 : x.id < y.id ? -1 : 1));
    this.maxLength = this.sorted.reduce((m, e) => Math.max(m, e.lower.length), 0);
  }

  /**
   * Ids within typo distance of `id` (case-insensitive), nearest first, at most `max`; among ids
   * sharing a naming scheme only those nearly as close as the best are kept.
   */
  similar(id: string, max: number): string[] {
    const wanted = id.toLowerCase();
    if (wanted.length > this.maxLength + typoAllowance(this.maxLength)) return [];
    const close: Array<{ id: string; distance: number }> = [];
    for (const at of this.candidates(wanted)) {
      const e = this.sorted[at];
      if (!e) continue;
      const distance = boundedEditDistance(wanted, e.lower, typoAllowance(e.id.length));
      if (distance <= typoAllowance(e.id.length)) close.push({ id: e.id, distance });
    }
    close.sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : 1));
    const best = close[0]?.distance ?? 0;
    return close
      .filter((d) => d.distance <= Math.max(2, 2 * best))
      .slice(0, max)
      .map((d) => d.id);
  }

  /** Positions (in `sorted`) worth an edit-distance check: shared rare trigrams, then sorted neighbours. */
  private candidates(wanted: string): Set<number> {
    const counts = new Map<number, number>();
    const postings = this.gramPostings();
    for (const g of trigrams(wanted)) {
      const list = postings.get(g);
      if (!list || list.length > MAX_POSTING) continue;
      for (const at of list) counts.set(at, (counts.get(at) ?? 0) + 1);
    }
    const picked = new Set(
      [...counts]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, GRAM_CANDIDATES)
        .map(([at]) => at),
    );
    // Where the id would sort: the neighbours share its longest prefixes.
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.sorted[mid]?.lower ?? '') < wanted) lo = mid + 1;
      else hi = mid;
    }
    for (let at = Math.max(0, lo - PREFIX_NEIGHBOURS); at < Math.min(this.sorted.length, lo + PREFIX_NEIGHBOURS); at++) picked.add(at);
    return picked;
  }

  private gramPostings(): Map<string, number[]> {
    if (!this.postings) {
      const postings = new Map<string, number[]>();
      this.sorted.forEach((e, at) => {
        for (const g of trigrams(e.lower)) {
          const list = postings.get(g);
          if (list) list.push(at);
          else postings.set(g, [at]);
        }
      });
      this.postings = postings;
    }
    return this.postings;
  }
}
