// Quote verification: is the sentence an assistant wants to attribute really in the corpus, and
// where? Pure: it works on passages handed to it and returns what it found, with the source's own
// wording and offsets into the original files, so an answer can prove every quote it makes.
//
// Levels, strongest first:
// - exact: the quote is a verbatim substring of a passage (after trimming quotation marks and
//   edge ellipses), or of consecutive passages when only the whitespace between them differs;
// - normalized: found once both sides go through `foldText` (diacritics, tatweel, hamza and alef
//   forms, ی/ي, ک/ك, ة/ه, digits, ZWNJ, quote styles), then, failing that, with spaces ignored
//   (Persian compounds are written with ZWNJ, a space or nothing). Offsets and wording are mapped
//   back to the ORIGINAL text through `foldWithMap`, so the assistant can quote the source as
//   written. A match may run from one paragraph into the next;
// - partial: the best fuzzy window (edit distance on folded text, see fuzzy.ts), with a similarity
//   in [0, 1], when it reaches `threshold` (0.6 by default: below that, windows on the fixtures
//   and seeds are mostly shared function words and place names, not the same sentence);
// - not_found.
// A quote with gaps (line breaks, … or ...) that is not found whole is checked part by part; the
// verdict is then the weakest part's.
//
// The verifier never scans a corpus: for a corpus-wide check it asks the backend which documents
// can hold the quote and which passages share the most 3-grams with it (QuoteLookup.quoteCandidates,
// answered from an index), then runs the matchers of match.ts on those documents only.
import type { QuoteCandidateQuery } from '../backend/backend.ts';
import { foldWithMap } from '../text/normalize.ts';
import { UNLIMITED, type WorkBudget } from '../util/budget.ts';
import { exactMatches, foldedMatches, partialMatches, verbatimAcross, type RankedCandidate, type Scoped } from './match.ts';
import { prepareDocuments, sharedGrams, trigrams, type Prepared, type PreparedDoc, type QuoteSource } from './prepared.ts';
import { cleanQuote, splitQuote } from './quote-text.ts';

export type { QuoteSource } from './prepared.ts';

export type QuoteLevel = 'exact' | 'normalized' | 'partial' | 'not_found';

/** A stretch of one passage: its citation, offsets into the original file and exact wording. */
export interface QuoteSpan {
  citation: string;
  document: string;
  start: number;
  end: number;
  text: string;
}

export interface QuoteMatch extends QuoteSpan {
  /** 1 for exact and normalized matches; the window's similarity for partial ones. */
  similarity: number;
  /** When the match runs on into the following passages: the rest of it, one span per passage. */
  continued?: QuoteSpan[];
}

export interface QuotePart {
  quote: string;
  level: QuoteLevel;
  similarity: number;
  matches: QuoteMatch[];
}

export interface QuoteVerdict {
  level: QuoteLevel;
  /** 1 for exact/normalized; best window similarity otherwise (0 when nothing comparable). */
  similarity: number;
  /** The text looked for: the quote without surrounding quotation marks and ellipses. */
  checked: string;
  matches: QuoteMatch[];
  /** Present when the quote was checked in parts (it has gaps and was not found whole). */
  parts?: QuotePart[];
  /** Stronger matches outside the requested scope (the quote is attributed to the wrong passage). */
  elsewhere?: QuoteMatch[];
}

export interface QuoteScope {
  citation?: string;
  document?: string;
}

export interface VerifyOptions {
  scope?: QuoteScope;
  /** Minimum similarity for `partial`; default 0.6. */
  threshold?: number;
  /** Most matches reported per level; default 10. */
  maxMatches?: number;
  /** Passages whose neighbourhood gets the fuzzy search; default 8. */
  maxCandidates?: number;
  /** Most parts (pieces between line breaks and ellipses) a quote may have; default MAX_QUOTE_PARTS. */
  maxParts?: number;
  /**
   * Work allowed (units: characters scanned or compared); BudgetExceededError past it. Between
   * steps the verifier pauses through it, so other requests are answered meanwhile.
   */
  budget?: WorkBudget;
}

/** What the verifier reads; a SearchBackend is one. */
export interface QuoteLookup {
  /**
   * Set when answers come over the network (Solr): time spent waiting for them is not work on this
   * thread and does not count against the request's budget. An in-process lookup leaves it unset,
   * since its time is the request's own work on the event loop.
   */
  readonly remote?: boolean;
  passages(ids: readonly string[]): Promise<Array<QuoteSource | undefined>>;
  passagesOf(docId: string): Promise<QuoteSource[]>;
  quoteCandidates(query: QuoteCandidateQuery): Promise<{
    documents: string[];
    similar: Array<{ passage: QuoteSource; shared: number }>;
  }>;
}

export const PARTIAL_THRESHOLD = 0.6;
/**
 * A quote in more pieces than this is refused: each piece is a search of its own, and 200 lines
 * of nine characters kept the server busy for half a minute.
 */
export const MAX_QUOTE_PARTS = 20;
/**
 * Pieces shorter than this (folded) get no fuzzy search: at the 0.6 threshold a 9-character
 * fragment "matches" any text with 5 of its characters in a row, which proves nothing.
 */
export const MIN_FUZZY_PART_CHARS = 12;
const DEFAULT_MAX_MATCHES = 10;
const DEFAULT_MAX_CANDIDATES = 8;

export async function verifyQuote(source: QuoteLookup, quote: string, opts: VerifyOptions = {}): Promise<QuoteVerdict> {
  const checked = cleanQuote(quote);
  if (checked.length === 0) {
    throw new RangeError('the quote is empty once quotation marks and ellipses are removed; send the words to check');
  }
  const settings: Settings = {
    threshold: opts.threshold ?? PARTIAL_THRESHOLD,
    maxMatches: opts.maxMatches ?? DEFAULT_MAX_MATCHES,
    maxCandidates: opts.maxCandidates ?? DEFAULT_MAX_CANDIDATES,
    budget: opts.budget ?? UNLIMITED,
  };
  // Time spent waiting for a remote backend is not work done on this thread; an embedded
  // backend's lookups are (crediting them let check_answer run 1.4 s on a 1 s budget).
  const budget = settings.budget;
  const lookup: QuoteLookup = source.remote
    ? {
        passages: (ids) => budget.waiting(source.passages(ids)),
        passagesOf: (docId) => budget.waiting(source.passagesOf(docId)),
        quoteCandidates: (query) => budget.waiting(source.quoteCandidates(query)),
      }
    : source;
  const pieces = splitQuote(checked);
  const maxParts = opts.maxParts ?? MAX_QUOTE_PARTS;
  if (pieces.length > maxParts) {
    throw new RangeError(
      `the quote has ${pieces.length} parts (separated by line breaks or ellipses); at most ${maxParts} are checked at a time: verify it in several calls`,
    );
  }
  const scoped = await scopeOf(lookup, settings, opts.scope);

  let verdict: QuoteVerdict = { checked, ...(await findLevel(scoped, checked, settings, true)) };
  if (verdict.level !== 'exact' && verdict.level !== 'normalized') {
    if (pieces.length > 1) {
      const parts: QuotePart[] = [];
      for (const piece of pieces) {
        const fuzzy = foldWithMap(piece).folded.length >= MIN_FUZZY_PART_CHARS;
        parts.push({ quote: piece, ...(await findLevel(scoped, piece, settings, fuzzy)) });
      }
      const weakest = parts.reduce((w, p) => (rank(p.level) > rank(w.level) ? p : w));
      // Parts win when they make at least as strong a claim: "A … B" with A and B both verbatim is
      // an exact quote with a gap, stronger than a fuzzy match of the whole.
      if (rank(weakest.level) <= rank(verdict.level)) {
        verdict = {
          checked,
          level: weakest.level,
          similarity: Math.min(...parts.map((p) => p.similarity)),
          matches: parts.flatMap((p) => p.matches.slice(0, 1)),
          parts,
        };
      }
    }
  }
  // A quote missing from the passage it is attributed to may well be elsewhere: say where,
  // when the rest of the corpus holds a strictly stronger match (fuzzy only when the scope had none).
  if (opts.scope && (opts.scope.citation || opts.scope.document) && rank(verdict.level) >= rank('partial')) {
    const wide = await findLevel(await scopeOf(lookup, settings), checked, settings, verdict.level === 'not_found');
    // (Matches may start in the scoped passage: a quote running on into the next paragraph.)
    if (rank(wide.level) < rank(verdict.level) && wide.matches.length > 0) verdict.elsewhere = wide.matches;
  }
  return verdict;
}

function rank(level: QuoteLevel): number {
  return ['exact', 'normalized', 'partial', 'not_found'].indexOf(level);
}

interface Settings {
  threshold: number;
  maxMatches: number;
  maxCandidates: number;
  budget: WorkBudget;
}

/**
 * Where one text is looked for. Each level asks only for what it needs: verbatim matches read the
 * candidate documents' raw text in index order and stop at the most matches reported (a quote
 * reprinted in a thousand articles reads a few of them); the folded passages are prepared only
 * when no verbatim match exists; the fuzzy candidates only when nothing matched at all.
 */
interface Searched {
  exact(quote: string, max: number): Promise<QuoteMatch[]>;
  prepared(): Promise<Scoped>;
  ranked(): Promise<RankedCandidate[]>;
}

/** Where a text is looked for: fixed for a citation or document, asked of the index for the corpus. */
type ScopeOf = (text: string) => Promise<Searched>;

async function scopeOf(lookup: QuoteLookup, s: Settings, scope?: QuoteScope): Promise<ScopeOf> {
  if (scope?.citation || scope?.document) {
    const crossing = !scope.citation;
    const sources = scope.citation
      ? (await lookup.passages([scope.citation])).filter((p): p is QuoteSource => p !== undefined)
      : await lookup.passagesOf(scope.document ?? '');
    const passages = prepareDocuments(sources).flatMap((d) => d.passages);
    return async (text) => ({
      exact: async (quote, max) => exactMatches(passages, quote, max, s.budget),
      prepared: async () => ({ passages, crossing }),
      ranked: async () => rankByGrams(passages, foldWithMap(text).folded, s.maxCandidates),
    });
  }
  // Documents fetched for one text serve the next ones too (a quote's parts, its `elsewhere`).
  const raw = new Map<string, QuoteSource[]>();
  const rawOf = async (id: string): Promise<QuoteSource[]> => {
    let passages = raw.get(id);
    if (!passages) {
      passages = await lookup.passagesOf(id);
      raw.set(id, passages);
    }
    return passages;
  };
  const docs = new Map<string, PreparedDoc>();
  const docOf = async (id: string): Promise<PreparedDoc | undefined> => {
    let doc = docs.get(id);
    if (!doc) {
      doc = prepareDocuments(await rawOf(id))[0];
      if (doc) docs.set(id, doc);
    }
    return doc;
  };
  return async (text) => {
    // Documents first; the fuzzy candidates cost more and are needed only when nothing matches.
    const found = await lookup.quoteCandidates({ quote: text, similar: 0, only: 'documents' });
    // The same matches, in the same order, as exactMatches over every candidate's passages.
    const exact = async (quote: string, max: number) => {
      const out: QuoteMatch[] = [];
      for (const id of found.documents) {
        await s.budget.pause();
        out.push(...exactMatches(await rawOf(id), quote, max - out.length, s.budget));
        if (out.length >= max) break;
      }
      return out;
    };
    const prepared = async (): Promise<Scoped> => {
      const passages: Prepared[] = [];
      for (const id of found.documents) {
        await s.budget.pause();
        passages.push(...((await docOf(id))?.passages ?? []));
      }
      return { passages, crossing: true };
    };
    const ranked = async () => {
      const { similar } = await lookup.quoteCandidates({ quote: text, similar: s.maxCandidates, only: 'similar' });
      const out: RankedCandidate[] = [];
      for (const { passage, shared } of similar) {
        const p = (await docOf(passage.docId))?.passages.find((x) => x.id === passage.id);
        if (p) out.push({ p, shared });
      }
      return out;
    };
    return { exact, prepared, ranked };
  };
}

/** Passages by shared 3-grams with the folded text, most first (ties in order), as the backend ranks them. */
function rankByGrams(passages: readonly Prepared[], folded: string, max: number): RankedCandidate[] {
  const grams = trigrams(folded);
  return passages
    .map((p) => ({ p, shared: sharedGrams(p.folded, grams) }))
    .filter((c) => c.shared > 0 || grams.size === 0)
    .sort((a, b) => b.shared - a.shared)
    .slice(0, max);
}

type Found = Omit<QuoteVerdict, 'checked' | 'parts' | 'elsewhere'>;

async function findLevel(scopeFor: ScopeOf, quote: string, s: Settings, fuzzy: boolean): Promise<Found> {
  await s.budget.pause();
  const searched = await scopeFor(quote);
  await s.budget.pause();
  const exact = await searched.exact(quote, s.maxMatches);
  if (exact.length > 0) return { level: 'exact', similarity: 1, matches: exact };
  const { folded } = foldWithMap(quote);
  if (folded.length === 0) return { level: 'not_found', similarity: 0, matches: [] };
  const scoped = await searched.prepared();
  let normalized = foldedMatches(scoped, folded, s.maxMatches, false, s.budget);
  if (normalized.length === 0) normalized = foldedMatches(scoped, folded, s.maxMatches, true, s.budget);
  if (normalized.length > 0) {
    // Verbatim across a paragraph break (only the whitespace between the paragraphs differs) is exact.
    const verbatim = normalized.filter((m) => m.continued !== undefined && verbatimAcross(quote, [m, ...m.continued]));
    return verbatim.length > 0 ? { level: 'exact', similarity: 1, matches: verbatim } : { level: 'normalized', similarity: 1, matches: normalized };
  }
  if (!fuzzy) return { level: 'not_found', similarity: 0, matches: [] };
  await s.budget.pause();
  const partial = await partialMatches(await searched.ranked(), scoped.crossing, folded, s.budget);
  const best = partial[0]?.similarity ?? 0;
  if (best >= s.threshold) return { level: 'partial', similarity: best, matches: partial.filter((m) => m.similarity >= s.threshold) };
  return { level: 'not_found', similarity: best, matches: [] };
}
