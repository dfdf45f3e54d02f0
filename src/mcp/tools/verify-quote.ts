// `verify_quote`: proves (or refutes) a quote before the assistant attributes it. The matching is
// pure (src/quote/verify.ts); this file scopes it, checks ids and renders the verdict.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { cleanQuote, splitQuote } from '../../quote/quote-text.ts';
import { MAX_QUOTE_PARTS, PARTIAL_THRESHOLD, verifyQuote, type QuoteMatch, type QuoteScope } from '../../quote/verify.ts';
import type { WorkBudget } from '../../util/budget.ts';
import { VIEW_TOOL_META } from '../view-link.ts';
import { cleanId, unknownCitationMessage, unknownDocumentMessage, type IndexView } from './index-view.ts';
import {
  idText,
  MAX_ID_CHARS,
  quoteBlock,
  requestBudget,
  SOURCE_TEXT_NOTE,
  toolError,
  toolResult,
  withView,
  type ToolContext,
} from './shared.ts';

export const MAX_QUOTE_CHARS = 2000;

export const verifyQuoteInputShape = {
  quote: z
    .string()
    .min(1, 'quote is empty: send the sentence you want to attribute')
    .max(MAX_QUOTE_CHARS, `quote is longer than ${MAX_QUOTE_CHARS} characters: verify it sentence by sentence`)
    .describe(
      `The exact words you intend to quote, in the original language (1–${MAX_QUOTE_CHARS} characters). Surrounding quotation ` +
        `marks and ellipses are ignored; line breaks or "…" inside split it into parts that are checked one by one (at most ${MAX_QUOTE_PARTS}).`,
    ),
  citation: z
    .string()
    .min(1)
    .max(MAX_ID_CHARS)
    .optional()
    .describe('Citation id you plan to attribute the quote to; only that passage is checked. Default: the whole corpus.'),
  document: z
    .string()
    .min(1)
    .max(MAX_ID_CHARS)
    .optional()
    .describe('Document id to check within (all its passages). Ignored when citation is given. Default: the whole corpus.'),
};

const spanSchema = z.object({
  citation: z.string().describe('Citation id of the passage holding this stretch.'),
  document: z.string().describe('Document id.'),
  start: z.number().int().describe('Start offset in the original file.'),
  end: z.number().int().describe('End offset (exclusive) in the original file.'),
  text: z.string().describe("The source's exact wording of this stretch: quote this."),
});

const matchSchema = spanSchema.extend({
  similarity: z.number().describe('1 for exact and normalized matches; 0–1 for partial ones.'),
  continued: z.array(spanSchema).optional().describe('When the match runs into the following paragraphs: the rest, one span per passage.'),
});

const levelSchema = z
  .enum(['exact', 'normalized', 'partial', 'not_found'])
  .describe(
    'exact: verbatim in the source; normalized: same words once diacritics, hamza/alef forms, ی/ي, ک/ك, digits and spacing are ' +
      `unified; partial: only a similar wording exists (similarity ≥ ${PARTIAL_THRESHOLD}); not_found: nothing similar enough.`,
  );

/** The verdict's shape: verify_quote's output, and the `quote` of the evidence view. */
export const verdictShape = {
  level: levelSchema,
  similarity: z.number().describe('1 for exact/normalized; the best similarity otherwise (0 when nothing comparable).'),
  threshold: z.number().describe('Minimum similarity for partial.'),
  checked: z.string().describe('The text looked for: the quote without surrounding quotation marks and ellipses.'),
  scope: z
    .object({
      kind: z.enum(['corpus', 'document', 'citation']).describe('What was searched.'),
      id: z.string().optional().describe('The document or citation id searched.'),
    })
    .describe('Where the quote was looked for.'),
  matches: z.array(matchSchema).describe('Where it was found, strongest first (several when outlets reprint the same wording).'),
  parts: z
    .array(
      z.object({
        quote: z.string().describe('This part of the quote.'),
        level: levelSchema,
        similarity: z.number().describe('As for the whole quote.'),
        matches: z.array(matchSchema).describe('Where this part was found.'),
      }),
    )
    .optional()
    .describe('Present when the quote was checked part by part (it has line breaks or "…" and was not found whole).'),
  elsewhere: z
    .array(matchSchema)
    .optional()
    .describe('Stronger matches outside the requested citation/document: the quote is in the corpus but attributed to the wrong passage.'),
};

const DESCRIPTION = [
  'Check a quote before attributing it: is this sentence really in the articles, and where?',
  'Call it for every quotation in your answer, with the citation id you plan to use (or a document id, or neither for the whole corpus).',
  'Returns a level (exact, normalized, partial, not_found), the citation ids and offsets where it was found, and the source\'s exact wording.',
  'Quote the returned wording, not your own; for partial, quote the source wording or paraphrase without quotation marks;',
  'for not_found, do not present it as a quote. If `elsewhere` is set, the quote exists under another citation id: cite that.',
].join(' ');

export function registerVerifyQuoteTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'verify_quote',
    {
      title: 'Verify a quote against the sources',
      description: DESCRIPTION,
      inputSchema: verifyQuoteInputShape,
      outputSchema: verdictShape,
      _meta: VIEW_TOOL_META,
      annotations: { title: 'Verify a quote against the sources', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      withView(ctx, 'verify_quote', async (view) => {
        const checked = await checkQuote(view, args);
        return 'error' in checked ? toolError(`verify_quote: ${checked.error}`) : toolResult(checked, renderVerdict(checked));
      }),
  );
}

export type QuoteVerdictOut = z.infer<z.ZodObject<typeof verdictShape>>;
type Output = QuoteVerdictOut;

/**
 * The verdict verify_quote gives, or the reason it cannot give one (unknown id, empty quote, too
 * many parts). The evidence view uses it too, so the page and the tool never disagree about a quote.
 */
export async function checkQuote(
  view: IndexView,
  args: { quote: string; citation?: string | undefined; document?: string | undefined },
  /** Shared by several checks of one request (check_answer); a budget of its own otherwise. */
  sharedBudget?: WorkBudget,
): Promise<Output | { error: string }> {
  const citation = args.citation !== undefined ? cleanId(args.citation) : undefined;
  const document = args.document !== undefined ? cleanId(args.document) : undefined;
  let scope: QuoteScope | undefined;
  let scopeOut: Output['scope'] = { kind: 'corpus' };
  if (citation !== undefined) {
    if (!(await view.backend.passages([citation]))[0]) return { error: await unknownCitationMessage(view, citation) };
    scope = { citation };
    scopeOut = { kind: 'citation', id: citation };
  } else if (document !== undefined) {
    if (!(await view.backend.document(document))) return { error: await unknownDocumentMessage(view, document) };
    scope = { document };
    scopeOut = { kind: 'document', id: document };
  }
  const cleaned = cleanQuote(args.quote);
  if (cleaned.length === 0) {
    return { error: 'the quote is empty once quotation marks and ellipses are removed; send the words you want to attribute.' };
  }
  const parts = splitQuote(cleaned).length;
  if (parts > MAX_QUOTE_PARTS) {
    return {
      error:
        `the quote has ${parts} parts (pieces between line breaks or ellipses); at most ${MAX_QUOTE_PARTS} are checked per call. ` +
        'Verify each sentence you quote in its own call.',
    };
  }
  const budget = sharedBudget ?? requestBudget('verify_quote', 'verify one sentence at a time, and pass `citation` or `document` to search less text');
  const verdict = await verifyQuote(view.backend, args.quote, { ...(scope ? { scope } : {}), budget });
  return {
    level: verdict.level,
    similarity: verdict.similarity,
    threshold: PARTIAL_THRESHOLD,
    checked: verdict.checked,
    scope: scopeOut,
    matches: verdict.matches,
    ...(verdict.parts ? { parts: verdict.parts } : {}),
    ...(verdict.elsewhere ? { elsewhere: verdict.elsewhere } : {}),
  };
}

function cites(m: QuoteMatch): string {
  return [m, ...(m.continued ?? [])].map((s) => `[${idText(s.citation)}]`).join(' ');
}

function wording(m: QuoteMatch): string {
  return [m, ...(m.continued ?? [])].map((s) => quoteBlock(s.text, '  ')).join('\n  (next paragraph)\n');
}

const VERDICT: Record<Output['level'], string> = {
  exact: 'exact: the quote is verbatim in the source.',
  normalized: 'normalized: the same words are in the source, spelled differently (diacritics, letter forms, digits or spacing). Quote the source wording below.',
  partial: 'partial: only a similar wording is in the source. Quote the source wording below, or paraphrase without quotation marks.',
  not_found: 'not_found: nothing similar enough is in the searched text. Do not present it as a quote.',
};

export function renderVerdict(out: Output): string {
  const where = out.scope.kind === 'corpus' ? 'the whole corpus' : `${out.scope.kind} ${idText(out.scope.id ?? '')}`;
  const lines = [`${VERDICT[out.level]} (searched ${where}; similarity ${out.similarity})`];
  const list = (matches: readonly QuoteMatch[]) => {
    for (const m of matches) {
      lines.push(`- ${cites(m)} chars ${m.start}–${m.end}${m.similarity < 1 ? `, similarity ${m.similarity}` : ''}:`, wording(m));
    }
  };
  if (out.parts) {
    lines.push('Checked in parts:');
    out.parts.forEach((p, i) => {
      lines.push(`Part ${i + 1}: ${p.level} (similarity ${p.similarity})`);
      list(p.matches.slice(0, 1));
    });
  } else {
    list(out.matches);
  }
  if (out.elsewhere) {
    lines.push('Found outside the requested scope, with a stronger match (cite these ids instead):');
    list(out.elsewhere);
  }
  if (out.matches.length > 0 || out.elsewhere) lines.splice(1, 0, SOURCE_TEXT_NOTE);
  return lines.join('\n');
}
