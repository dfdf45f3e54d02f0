// Quote candidates from the gram fields (see grams.ts): which documents can hold a quote verbatim
// or folded (every sampled gram of the spaceless folded quote is in the document's grams: a
// necessary condition, so the list is a superset, as the interface asks), and which passages share
// the most distinct grams with it (counted exactly by Solr: the grams field scores each matching
// gram 1, so a passage's score is the number of the quote's distinct grams it holds; recounted
// here so ties keep index order).
//
// Lucene refuses a query of more than 1,024 clauses in all (maxBooleanClauses; nested boolean
// queries count together), and a quote of about 1,950 characters or more has over 1,000 distinct
// grams (the verify_quote limit is 2,000; check_answer's quotes can be longer). Such a quote's
// grams are counted in groups of at most 1,000, each group a query of its own inside a function
// query that adds the groups' counts up: the ranking stays exact however long the quote.
import { sharedGrams, trigrams } from '../../quote/prepared.ts';
import { foldText } from '../../text/normalize.ts';
import { comparePassages, type QuoteCandidateQuery, type QuoteCandidates } from '../backend.ts';
import type { SolrClient } from './client.ts';
import { gramTerm, trigramsOf } from './grams.ts';
import { PASSAGE_FIELDS, termQuery, termsQuery, toPassage, type PassageRecord } from './records.ts';

/** Grams ANDed to find candidate documents: any subset keeps the superset, a few dozen suffice. */
const DOCUMENT_GRAMS = 64;
/** Grams per boolean query: under Solr's default maxBooleanClauses (1024). */
const GRAMS_PER_QUERY = 1000;
const PAGE = 1000;

export async function quoteCandidates(client: SolrClient, collection: string, query: QuoteCandidateQuery): Promise<QuoteCandidates> {
  const [documents, similar] = await Promise.all([
    query.only === 'similar' ? [] : candidateDocuments(client, collection, query),
    query.only === 'documents' ? [] : similarPassages(client, collection, query),
  ]);
  return { documents, similar };
}

async function candidateDocuments(client: SolrClient, collection: string, query: QuoteCandidateQuery): Promise<string[]> {
  const needle = foldText(query.quote).replace(/\s+/gu, '');
  if (needle.length === 0) return [];
  const fq = [termQuery('type', 'document')];
  if (query.documents && query.documents.length > 0) fq.push(termsQuery('doc_id', query.documents));
  if (needle.length >= 3) {
    fq.push(`{!bool ${spread([...trigramsOf(needle)], DOCUMENT_GRAMS).map((_, i) => `filter=$g${i}`).join(' ')}}`);
  } else {
    // Shorter than a gram: some gram of the document starts or ends with it.
    fq.push(`{!bool should=$g0 should=$g1}`);
  }
  const params: Record<string, string | number | string[]> = { q: '*:*', fq, fl: 'doc_id', sort: 'doc_id asc', rows: PAGE };
  if (needle.length >= 3) {
    spread([...trigramsOf(needle)], DOCUMENT_GRAMS).forEach((g, i) => {
      params[`g${i}`] = termQuery('doc_grams', gramTerm(g));
    });
  } else {
    const pad = '?'.repeat(3 - needle.length);
    params.g0 = `doc_grams:${escapeWildcard(gramTerm(needle))}${pad}`;
    params.g1 = `doc_grams:${pad}${escapeWildcard(gramTerm(needle))}`;
  }
  const ids: string[] = [];
  let cursor = '*';
  for (;;) {
    const res = await client.request<{ response?: { docs?: Array<{ doc_id: string }> }; nextCursorMark?: string }>(`${collection}/select`, {
      params: { ...params, sort: 'doc_id asc,id asc', cursorMark: cursor },
    });
    for (const d of res.response?.docs ?? []) ids.push(d.doc_id);
    if (!res.nextCursorMark || res.nextCursorMark === cursor) break;
    cursor = res.nextCursorMark;
  }
  return ids;
}

async function similarPassages(client: SolrClient, collection: string, query: QuoteCandidateQuery): Promise<QuoteCandidates['similar']> {
  if (!(query.similar > 0)) return [];
  const grams = trigrams(foldText(query.quote));
  const fq = [termQuery('type', 'passage')];
  if (query.documents && query.documents.length > 0) fq.push(termsQuery('doc_id', query.documents));
  const params: Record<string, string | number | string[]> = { fq, fl: PASSAGE_FIELDS };
  if (grams.size === 0) {
    // No gram to rank by: the first passages in index order, as the embedded backend gives.
    Object.assign(params, { q: '*:*', sort: 'doc_id asc,start asc', rows: query.similar });
  } else {
    const all = [...grams];
    all.forEach((g, i) => {
      params[`g${i}`] = termQuery('grams', gramTerm(g));
    });
    const groups: string[] = [];
    for (let from = 0; from < all.length; from += GRAMS_PER_QUERY) {
      const to = Math.min(all.length, from + GRAMS_PER_QUERY);
      groups.push(`{!bool ${Array.from({ length: to - from }, (_, k) => `should=$g${from + k}`).join(' ')}}`);
    }
    let q = groups[0] ?? '';
    if (groups.length > 1) {
      // Each group is parsed and rewritten as a query of its own: its clauses count alone.
      groups.forEach((group, i) => {
        params[`c${i}`] = group;
      });
      // It scores every passage; any sharing no gram (score 0) is dropped below.
      q = `{!func}sum(${groups.map((_, i) => `query($c${i},0)`).join(',')})`;
    }
    Object.assign(params, { q, sort: 'score desc,doc_id asc,start asc', rows: query.similar * 2 + 10 });
  }
  const res = await client.request<{ response?: { docs?: PassageRecord[] } }>(`${collection}/select`, { params });
  return (res.response?.docs ?? [])
    .map((doc) => {
      const passage = toPassage(doc);
      return { passage, shared: sharedGrams(foldText(passage.text), grams) };
    })
    .filter((c) => c.shared > 0 || grams.size === 0)
    .sort((a, b) => b.shared - a.shared || comparePassages(a.passage, b.passage))
    .slice(0, query.similar);
}

/** At most `n` items spread evenly over `items` (all of them when there are few). */
function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(items[Math.floor((i * items.length) / n)] as T);
  return out;
}

function escapeWildcard(term: string): string {
  return term.replace(/[\\+\-!():^[\]"{}~*?|&/\s]/gu, (c) => `\\${c}`);
}
