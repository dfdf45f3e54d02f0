// Presenting eval results: a plain-text table per mode, and a JSON document whose rows use the
// reference scorer's field names ("R@1", "MRR@10", …) so the two can be compared key by key.
import type { MetricsRow } from './metrics.ts';
import type { ModeResult } from './run-eval.ts';
import { round } from './stats.ts';

export interface PoolSummary {
  /** What the pool was made from: `passages.jsonl`, a folder, or an existing index. */
  source: string;
  kind: 'passage-set' | 'index';
  documents: number;
  passages: number;
  /** Passage-set pools: share of the given text that became citable passages. */
  coverage?: { mean: number; min: number; below90: string[] };
}

export interface EvalReport {
  queries: string;
  queryCount: number;
  pool: PoolSummary;
  /** One line describing the embedder, or null for a lexical-only pool. */
  embedder: string | null;
  /** The reranker and how many fused results it reorders, or null when none is configured. */
  reranker?: string | null;
  k: number;
  modes: ModeResult[];
}

export function rowJson(r: MetricsRow) {
  return {
    pair: r.pair,
    n: r.n,
    'R@1': round(r.r1),
    'R@5': round(r.r5),
    'R@10': round(r.r10),
    'MRR@10': round(r.mrr10),
    'nDCG@10': round(r.ndcg10),
    missing: r.missing,
    ...(r.sameAs !== undefined ? { same_as: r.sameAs } : {}),
  };
}

export function reportJson(report: EvalReport) {
  return {
    queries: report.queries,
    query_count: report.queryCount,
    pool: report.pool,
    embedder: report.embedder,
    reranker: report.reranker ?? null,
    k: report.k,
    modes: report.modes.map((m) => ({
      mode: m.mode,
      ranked_by: m.rankedBy,
      ...(m.notice ? { notice: m.notice } : {}),
      rows: m.rows.map(rowJson),
      subsets: m.subsets.map(rowJson),
      latency_ms: { p50: round(m.latencyMs.p50, 1), p95: round(m.latencyMs.p95, 1), p99: round(m.latencyMs.p99, 1) },
      ...(m.notReranked ? { not_reranked: m.notReranked.count, ...(m.notReranked.notice ? { rerank_notice: m.notReranked.notice } : {}) } : {}),
    })),
  };
}

const COLUMNS = ['mode', 'pair', 'n', 'R@1', 'R@5', 'R@10', 'MRR@10', 'nDCG@10'] as const;
const WIDTHS = [9, 14, 5, 6, 6, 6, 7, 8];

function line(cells: readonly string[]): string {
  return cells.map((c, i) => (i < 2 ? c.padEnd(WIDTHS[i] ?? 8) : c.padStart(WIDTHS[i] ?? 8))).join(' ').trimEnd();
}

export function formatReport(report: EvalReport): string {
  const p = report.pool;
  const cover = p.coverage ? `; ${(p.coverage.mean * 100).toFixed(1)}% of the text indexed (lowest ${(p.coverage.min * 100).toFixed(1)}%)` : '';
  const out = [
    `queries: ${report.queries} (${report.queryCount})`,
    `pool:    ${p.source}: ${p.documents} documents, ${p.passages} citable passages${cover}`,
    `model:   ${report.embedder ?? 'none (lexical-only pool)'}`,
    ...(report.reranker ? [`rerank:  ${report.reranker}`] : []),
    p.kind === 'passage-set'
      ? 'gold:    a hit on any passage of the gold document counts; repeats count once'
      : 'gold:    citation ids match that passage (or its parts); document ids match any of its passages',
    '',
    line([...COLUMNS]),
  ];
  const metricCells = (r: MetricsRow) => [String(r.n), ...[r.r1, r.r5, r.r10, r.mrr10, r.ndcg10].map((x) => x.toFixed(3))];
  for (const m of report.modes) {
    const label = m.rankedBy === m.mode ? m.mode : `${m.mode}*`;
    for (const r of m.rows) out.push(line([label, r.pair, ...metricCells(r)]));
  }
  // A subset holding exactly the queries of a pair row (a one-pair dev set's "ar->*") is not repeated.
  const subsets = report.modes.map((m) => ({ m, rows: m.subsets.filter((r) => r.sameAs === undefined) }));
  if (subsets.some((s) => s.rows.length > 0)) {
    out.push('', 'by query language ("en->*": any passage language) and cross-language (gold only in other languages):');
    for (const { m, rows } of subsets) {
      const label = m.rankedBy === m.mode ? m.mode : `${m.mode}*`;
      for (const r of rows) out.push(line([label, r.pair, ...metricCells(r)]));
    }
  }
  out.push('');
  out.push(
    `latency per query (ms, p50/p95): ${report.modes.map((m) => `${m.mode} ${m.latencyMs.p50.toFixed(1)}/${m.latencyMs.p95.toFixed(1)}`).join(', ')}`,
  );
  for (const m of report.modes) {
    if (m.rankedBy !== m.mode) out.push(`* ${m.mode} was ranked ${m.rankedBy}: ${m.notice ?? 'no embedding model'}`);
    // Numbers that silently mix reranked and fused rankings would be worse than none: say so.
    if (m.notReranked && m.notReranked.count > 0) {
      out.push(`warning: ${m.mode}: ${m.notReranked.count} of ${m.perQuery.length} queries kept the fused order: ${m.notReranked.notice ?? 'the reranker did not answer'}`);
    }
  }
  if (p.coverage && p.coverage.below90.length > 0) {
    out.push(`warning: under 90% of the text was indexed for ${p.coverage.below90.length} passage(s): ${p.coverage.below90.slice(0, 10).join(', ')}`);
  }
  return `${out.join('\n')}\n`;
}
