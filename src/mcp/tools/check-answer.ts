// `check_answer`: the whole drafted answer checked in one call. Each sentence's citation markers are
// resolved (unknown ids named with the nearest real ones), each quoted span is verified at the
// passages its sentence cites (exact, normalized, partial, not found, or found elsewhere: then
// where), and sentences that state something without any citation are listed. The matching is
// verify_quote's own (checkQuote), so the two tools never disagree about a quote.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { parseAnswer, type AnswerSentence } from '../../quote/answer.ts';
import type { IndexView } from './index-view.ts';
import { cleanId, suggestCitations } from './index-view.ts';
import { idText, inlineText, plural, requestBudget, toolError, toolResult, withView, type ToolContext } from './shared.ts';
import { checkQuote, type QuoteVerdictOut } from './verify-quote.ts';
import { VIEW_TOOL_META } from '../view-link.ts';
import type { WorkBudget } from '../../util/budget.ts';

export const MAX_ANSWER_CHARS = 20_000;
/** Quotes verified per call: each is a search of its own. */
export const MAX_QUOTES = 30;
/** Distinct citation ids looked up per call. */
export const MAX_CITATIONS = 100;
/** Sentence text shown back, in characters. */
const SHOWN_CHARS = 300;

export const checkAnswerInputShape = {
  answer: z
    .string()
    .min(1, 'answer is empty: send the answer you drafted, with its [citation] markers')
    .max(MAX_ANSWER_CHARS, `answer is longer than ${MAX_ANSWER_CHARS} characters: check it in parts`)
    .describe(
      `Your drafted answer (1–${MAX_ANSWER_CHARS} characters) as you would send it: citation ids in square brackets after what ` +
        'they support ([doc.txt#p3], several as [a.txt#p1, b.txt#p2]) and quotations in «», “” or "" marks, in the language of the source.',
    ),
};

const quoteCheckSchema = z.object({
  quote: z.string().describe('The quoted words as written in the answer.'),
  status: z
    .enum(['exact', 'normalized', 'partial', 'not_found', 'found_elsewhere'])
    .describe(
      'exact / normalized: the quote is in a cited passage (normalized: spelling differs; quote source_text); partial: only a similar ' +
        'wording is there; found_elsewhere: not in the passages cited, but in the ones listed in found_in (cite those); not_found: nowhere in the corpus.',
    ),
  cited: z.boolean().describe('Whether the sentence holding the quote cites anything; an uncited quote is checked against the whole corpus.'),
  citation: z.string().optional().describe('The cited passage where the quote verified (exact, normalized or partial).'),
  source_text: z.string().optional().describe("The source's exact wording of the match: quote this rather than your own."),
  similarity: z.number().describe('1 for exact and normalized; 0–1 otherwise.'),
  found_in: z.array(z.string()).describe('Where the quote is in the corpus when not (only) at the cited passages, strongest first.'),
});

const sentenceSchema = z.object({
  index: z.number().int().describe('Position of the sentence in the answer, from 0.'),
  text: z.string().describe(`The sentence (shortened past ${SHOWN_CHARS} characters).`),
  citations: z.array(z.string()).describe('Citation ids the sentence carries.'),
  unknown_citations: z
    .array(z.object({ id: z.string().describe('The id as written.'), did_you_mean: z.array(z.string()).describe('The nearest real citation ids.') }))
    .describe('Cited ids that are in no document of the index.'),
  quotes: z.array(quoteCheckSchema).describe('Its quoted spans and their verdicts.'),
  uncited_claim: z.boolean().describe('True when the sentence states something and cites nothing.'),
});

const outputSchema = {
  ok: z.boolean().describe('True when every citation exists, every quote is exact or normalized at a cited passage, and no claim is uncited.'),
  counts: z
    .object({
      sentences: z.number().int(),
      cited: z.number().int().describe('Sentences with at least one citation.'),
      uncited_claims: z.number().int(),
      quotes: z.number().int(),
      quotes_verified: z.number().int().describe('Quotes exact or normalized at a cited passage.'),
      unknown_citations: z.number().int(),
    })
    .describe('Totals over the answer.'),
  sentences: z.array(sentenceSchema).describe('Every sentence with a citation, a quote or an uncited claim, in order.'),
  unchecked_quotes: z.number().int().describe(`Quotes beyond the first ${MAX_QUOTES}, not checked: check the rest in another call.`),
};

type Output = z.infer<z.ZodObject<typeof outputSchema>>;
type SentenceOut = z.infer<typeof sentenceSchema>;
type QuoteOut = z.infer<typeof quoteCheckSchema>;

const DESCRIPTION = [
  'Check a drafted answer before sending it: pass the whole text with its [citation] markers and quotations.',
  'For every sentence: do its citation ids exist (unknown ones come with the nearest real ids); is each quoted span really at',
  'a passage the sentence cites (exact, normalized, partial, not_found, or found_elsewhere with the ids where it is); and which',
  'sentences state something without any citation. One call instead of a verify_quote per quote. Fix what it reports (cite the',
  'ids it names, quote source_text, drop or paraphrase unverified quotes, cite or remove uncited claims), then send the answer.',
].join(' ');

export function registerCheckAnswerTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'check_answer',
    {
      title: 'Check a drafted answer',
      description: DESCRIPTION,
      inputSchema: checkAnswerInputShape,
      outputSchema,
      annotations: { title: 'Check a drafted answer', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
      _meta: VIEW_TOOL_META,
    },
    (args) =>
      withView(ctx, 'check_answer', async (view) => {
        const sentences = parseAnswer(args.answer);
        const distinct = new Set(sentences.flatMap((s) => s.citations.map(cleanId)));
        if (distinct.size > MAX_CITATIONS) {
          return toolError(`check_answer: the answer cites ${distinct.size} different ids; at most ${MAX_CITATIONS} are checked per call. Check it in parts.`);
        }
        const budget = requestBudget('check_answer', 'check the answer in parts, a few paragraphs at a time');
        const structured = await checkAnswer(view, sentences, budget);
        return toolResult(structured, render(structured));
      }),
  );
}

/** What exists among the cited ids: passages, documents, or nothing (with suggestions). */
async function resolveIds(view: IndexView, ids: readonly string[]) {
  const found = await view.backend.passages(ids);
  const kinds = new Map<string, 'citation' | 'document' | 'unknown'>();
  for (const [i, id] of ids.entries()) {
    if (found[i]) kinds.set(id, 'citation');
    else kinds.set(id, (await view.backend.document(id)) ? 'document' : 'unknown');
  }
  return kinds;
}

export async function checkAnswer(view: IndexView, sentences: readonly AnswerSentence[], budget: WorkBudget): Promise<Output> {
  const ids = [...new Set(sentences.flatMap((s) => s.citations.map(cleanId)))];
  const kinds = await resolveIds(view, ids);
  const suggestions = new Map<string, string[]>();
  for (const [id, kind] of kinds) if (kind === 'unknown') suggestions.set(id, await suggestCitations(view, id));

  let budgetLeft = MAX_QUOTES;
  let unchecked = 0;
  const out: SentenceOut[] = [];
  for (const s of sentences) {
    const citations = s.citations.map(cleanId);
    const known = citations.filter((c) => kinds.get(c) !== 'unknown');
    const quotes: QuoteOut[] = [];
    for (const q of s.quotes) {
      if (budgetLeft === 0) {
        unchecked++;
        continue;
      }
      budgetLeft--;
      quotes.push(await checkOne(view, q.text, known, citations.length > 0, kinds, budget));
    }
    const uncited = s.claim && citations.length === 0;
    if (citations.length === 0 && quotes.length === 0 && !uncited) continue;
    out.push({
      index: s.index,
      text: s.text.length > SHOWN_CHARS ? `${s.text.slice(0, SHOWN_CHARS - 1)}…` : s.text,
      citations,
      unknown_citations: citations.filter((c) => kinds.get(c) === 'unknown').map((id) => ({ id, did_you_mean: suggestions.get(id) ?? [] })),
      quotes,
      uncited_claim: uncited,
    });
  }
  const allQuotes = out.flatMap((s) => s.quotes);
  const counts = {
    sentences: sentences.length,
    cited: sentences.filter((s) => s.citations.length > 0).length,
    uncited_claims: out.filter((s) => s.uncited_claim).length,
    quotes: allQuotes.length + unchecked,
    quotes_verified: allQuotes.filter((q) => q.cited && (q.status === 'exact' || q.status === 'normalized')).length,
    unknown_citations: new Set(out.flatMap((s) => s.unknown_citations.map((u) => u.id))).size,
  };
  const ok = counts.uncited_claims === 0 && counts.unknown_citations === 0 && counts.quotes_verified === counts.quotes;
  return { ok, counts, sentences: out, unchecked_quotes: unchecked };
}

const STRENGTH = ['exact', 'normalized', 'partial', 'not_found'] as const;

/** One quote: at the cited passages (or documents) first, then, failing that, where it is instead. */
async function checkOne(
  view: IndexView,
  quote: string,
  known: readonly string[],
  cited: boolean,
  kinds: ReadonlyMap<string, string>,
  budget: WorkBudget,
): Promise<QuoteOut> {
  let best: { verdict: QuoteVerdictOut; at: string } | null = null;
  const elsewhere: string[] = [];
  for (const id of known) {
    const verdict = await checkQuote(view, kinds.get(id) === 'document' ? { quote, document: id } : { quote, citation: id }, budget);
    if ('error' in verdict) continue;
    if (!best || STRENGTH.indexOf(verdict.level) < STRENGTH.indexOf(best.verdict.level)) best = { verdict, at: id };
    for (const m of verdict.elsewhere ?? []) elsewhere.push(m.citation);
  }
  if (best && (best.verdict.level === 'exact' || best.verdict.level === 'normalized')) return verdictOut(quote, best.verdict.level, best.verdict, cited, []);
  if (elsewhere.length === 0) {
    // Nothing cited holds it (or nothing is cited): the whole corpus says where it is, if anywhere.
    const wide = await checkQuote(view, { quote }, budget);
    if (!('error' in wide) && wide.level !== 'not_found') {
      const where = wide.matches.map((m) => m.citation).filter((c) => !known.includes(c));
      if (!cited) return verdictOut(quote, wide.level, wide, false, wide.matches.map((m) => m.citation));
      if ((wide.level === 'exact' || wide.level === 'normalized') && where.length > 0) return verdictOut(quote, 'found_elsewhere', null, true, where);
    }
  }
  if (elsewhere.length > 0) return verdictOut(quote, 'found_elsewhere', null, cited, [...new Set(elsewhere)]);
  if (best?.verdict.level === 'partial') return verdictOut(quote, 'partial', best.verdict, cited, []);
  return verdictOut(quote, 'not_found', null, cited, []);
}

function verdictOut(quote: string, status: QuoteOut['status'], verdict: QuoteVerdictOut | null, cited: boolean, foundIn: string[]): QuoteOut {
  const match = verdict?.matches[0];
  const wording = match ? [match, ...(match.continued ?? [])].map((m) => m.text).join(' … ') : undefined;
  return {
    quote,
    status,
    cited,
    ...(match && status !== 'found_elsewhere' && cited ? { citation: match.citation } : {}),
    ...(wording !== undefined && status !== 'found_elsewhere' ? { source_text: wording } : {}),
    similarity: verdict?.similarity ?? 0,
    found_in: foundIn,
  };
}

const ADVICE: Record<QuoteOut['status'], string> = {
  exact: 'verified',
  normalized: 'verified with different spelling: quote the source wording',
  partial: 'only a similar wording is there: quote the source wording or paraphrase without quotation marks',
  not_found: 'not in the corpus: do not present it as a quote',
  found_elsewhere: 'not at the passages cited',
};

function render(out: Output): string {
  const c = out.counts;
  const lines = [
    out.ok
      ? `The answer checks out: ${plural(c.cited, 'cited sentence')}, ${plural(c.quotes_verified, 'quote')} verified, every citation exists.`
      : `Problems found: ${plural(c.unknown_citations, 'unknown citation')}, ${c.quotes - c.quotes_verified} of ${plural(c.quotes, 'quote')} not verified at a cited passage, ${plural(c.uncited_claims, 'claim')} without a citation.`,
  ];
  for (const s of out.sentences) {
    const notes: string[] = [];
    for (const u of s.unknown_citations) {
      notes.push(`unknown citation [${idText(u.id)}]${u.did_you_mean.length > 0 ? `; did you mean ${u.did_you_mean.map((d) => `[${idText(d)}]`).join(', ')}?` : ''}`);
    }
    for (const q of s.quotes) {
      const where = q.found_in.length > 0 ? ` It is at ${q.found_in.map((d) => `[${idText(d)}]`).join(', ')}: cite ${q.found_in.length === 1 ? 'that' : 'those'}.` : '';
      const uncited = q.cited ? '' : ' (the sentence cites nothing)';
      const source = q.source_text !== undefined && q.status !== 'exact' ? ` Source wording: «${inlineText(q.source_text)}».` : '';
      notes.push(`quote «${inlineText(q.quote)}»: ${q.status}${uncited}, ${ADVICE[q.status]}.${where}${source}`);
    }
    if (s.uncited_claim) notes.push('states something without a citation: cite the passage that supports it, or drop it');
    if (notes.length === 0) continue;
    lines.push(`Sentence ${s.index + 1} «${inlineText(s.text)}»:`, ...notes.map((n) => `  - ${n}`));
  }
  if (out.unchecked_quotes > 0) lines.push(`${plural(out.unchecked_quotes, 'quote')} beyond the first ${MAX_QUOTES} not checked: call check_answer again with the rest.`);
  return lines.join('\n');
}
