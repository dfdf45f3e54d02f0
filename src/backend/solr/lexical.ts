// BM25 over sanad's own tokens, ranked exactly as the embedded backend ranks: Solr finds the
// candidates (its BM25 over the `tokens` field, with exact distributed statistics), then each
// candidate is rescored here from its stored tokens with the same formula, float for float, and
// live document frequencies. Lucene's BM25 stores passage lengths in one lossy byte, which alone
// would reorder near ties; rescoring removes that difference, and fetching twice the depth (plus
// a margin) keeps every passage the exact ranking wants among the candidates.
import { averageLength, bm25Score } from '../../text/bm25.ts';
import type { StoredPassage } from '../../types.ts';
import { comparePassages, type PassageFilter, type ScoredPassage, type TermStats } from '../backend.ts';
import type { SolrClient } from './client.ts';
import { filterQueries, PASSAGE_FIELDS, termQuery, toPassage, type PassageRecord } from './records.ts';

export interface CollectionCounts {
  passages: number;
  /** Sum of every passage's token count: BM25's average length is this over `passages`. */
  tokens: number;
}

/** Passages and total tokens of the collection's committed state. */
export async function collectionCounts(client: SolrClient, collection: string): Promise<CollectionCounts> {
  const res = await client.request<{ response?: { numFound?: number }; facets?: { tokens?: number } }>(`${collection}/select`, {
    params: { q: termQuery('type', 'passage'), rows: 0, 'json.facet': JSON.stringify({ tokens: 'sum(ntokens)' }) },
  });
  return { passages: res.response?.numFound ?? 0, tokens: Math.round(res.facets?.tokens ?? 0) };
}

/** Live document frequency of each token (repeats allowed), in one request. */
export async function termStats(client: SolrClient, collection: string, counts: CollectionCounts, tokens: readonly string[]): Promise<TermStats> {
  const distinct = [...new Set(tokens)];
  if (distinct.length === 0) return { passages: counts.passages, df: [] };
  const facets: Record<string, unknown> = {};
  distinct.forEach((t, i) => {
    facets[`t${i}`] = { type: 'query', q: termQuery('tokens', t) };
  });
  const res = await client.request<{ facets?: Record<string, { count?: number } | number> }>(`${collection}/select`, {
    params: { q: termQuery('type', 'passage'), rows: 0, 'json.facet': JSON.stringify(facets) },
  });
  const dfOf = new Map(distinct.map((t, i) => [t, facetCount(res.facets?.[`t${i}`])]));
  return { passages: counts.passages, df: tokens.map((t) => dfOf.get(t) ?? 0) };
}

function facetCount(v: { count?: number } | number | undefined): number {
  if (typeof v === 'number') return v;
  return v?.count ?? 0;
}

export async function lexicalSearch(
  client: SolrClient,
  collection: string,
  counts: CollectionCounts,
  tokens: readonly string[],
  depth: number,
  filter: PassageFilter | undefined,
): Promise<ScoredPassage[]> {
  const limit = Math.floor(depth);
  if (!(limit > 0) || tokens.length === 0 || counts.passages === 0) return [];
  const qtfOf = new Map<string, number>();
  for (const t of tokens) qtfOf.set(t, (qtfOf.get(t) ?? 0) + 1);
  const terms = [...qtfOf.keys()];
  const params: Record<string, string | number | string[]> = {
    q: `{!bool ${terms.map((_, i) => `should=$t${i}`).join(' ')}}`,
    fq: filterQueries(filter, true),
    fl: `${PASSAGE_FIELDS},tokens`,
    rows: limit * 2 + 20,
    sort: 'score desc,doc_id asc,start asc',
  };
  terms.forEach((t, i) => {
    params[`t${i}`] = termQuery('tokens', t);
  });
  const [stats, res] = await Promise.all([
    termStats(client, collection, counts, terms),
    client.request<{ response?: { docs?: Array<PassageRecord & { tokens?: string }> } }>(`${collection}/select`, { params }),
  ]);
  const query = {
    qtf: terms.map((t) => qtfOf.get(t) ?? 0),
    df: stats.df,
    n: counts.passages,
    avgLength: averageLength(counts.tokens, counts.passages),
  };
  const scored = (res.response?.docs ?? []).map((doc) => {
    const own = doc.tokens ? doc.tokens.split(' ') : [];
    const tf = new Map<string, number>();
    for (const t of own) if (qtfOf.has(t)) tf.set(t, (tf.get(t) ?? 0) + 1);
    const passage: StoredPassage = toPassage(doc);
    return { passage, score: bm25Score({ tfs: terms.map((t) => tf.get(t) ?? 0), length: own.length }, query) };
  });
  return scored
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || comparePassages(a.passage, b.passage))
    .slice(0, limit);
}
