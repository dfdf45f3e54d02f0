// `get_passage`: the verbatim text of cited passages, with neighbouring paragraphs for context.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { Passage } from '../../types.ts';
import { VIEW_TOOL_META } from '../view-link.ts';
import { cleanId, unknownCitationMessage, type IndexView } from './index-view.ts';
import {
  documentRef,
  documentRefShape,
  idText,
  inlineText,
  languageSchema,
  MAX_ID_CHARS,
  passageFields,
  passageShape,
  quoteBlock,
  SOURCE_TEXT_NOTE,
  toolError,
  toolResult,
  withView,
  type ToolContext,
} from './shared.ts';

export const MAX_IDS = 20;
export const MAX_NEIGHBOURS = 5;

const neighbours = (side: 'before' | 'after') =>
  z
    .number()
    .int(`${side} must be a whole number`)
    .min(0, `${side} must be 0 or more`)
    .max(MAX_NEIGHBOURS, `${side} is at most ${MAX_NEIGHBOURS}: call get_document to read a whole article`)
    .default(0)
    .describe(`How many passages ${side} each requested one to include from the same document: 0–${MAX_NEIGHBOURS}, default 0.`);

export const getPassageInputShape = {
  ids: z
    .array(z.string().min(1).max(MAX_ID_CHARS))
    .min(1, 'send at least one citation id')
    .max(MAX_IDS, `at most ${MAX_IDS} citation ids per call`)
    .describe(`Citation ids from search results, e.g. "report.txt#p3"; 1–${MAX_IDS}.`),
  before: neighbours('before'),
  after: neighbours('after'),
};

const neighbourSchema = z.object(passageShape);

const passageSchema = z.object({
  ...passageShape,
  ...documentRefShape,
  language: languageSchema,
  before: z.array(neighbourSchema).describe('Preceding passages of the same document, in reading order.'),
  after: z.array(neighbourSchema).describe('Following passages of the same document, in reading order.'),
});

const outputSchema = {
  passages: z.array(passageSchema).describe('One entry per requested id, in the order asked (duplicates once).'),
};

const DESCRIPTION = [
  'Read cited passages verbatim: one or more citation ids (`<document>#p<n>`, from search) with optional neighbouring paragraphs',
  '(`before` / `after`) for context. Returns the exact text, its offsets in the original file and the document metadata',
  '(title, outlet, date, language). An unknown id returns an error naming the nearest valid ids.',
  'Next: verify_quote for any sentence you will quote, then cite as [doc#p3].',
].join(' ');

export function registerGetPassageTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'get_passage',
    {
      title: 'Read passages by citation id',
      description: DESCRIPTION,
      inputSchema: getPassageInputShape,
      outputSchema,
      _meta: VIEW_TOOL_META,
      annotations: { title: 'Read passages by citation id', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      withView(ctx, 'get_passage', async (view) => {
        const read = await readPassages(view, args);
        return 'error' in read ? toolError(read.error) : toolResult(read, renderPassages(read.passages));
      }),
  );
}

type PassageOut = z.infer<typeof passageSchema>;
export type GetPassageArgs = z.infer<z.ZodObject<typeof getPassageInputShape>>;

/** The passages asked for with their neighbours, or an error naming the nearest ids of unknown ones (the tool's and `sanad get`'s). */
export async function readPassages(view: IndexView, args: GetPassageArgs): Promise<{ passages: PassageOut[] } | { error: string }> {
  const ids = [...new Set(args.ids.map(cleanId))];
  const found = await view.backend.passages(ids);
  const unknown = ids.filter((_, i) => !found[i]);
  if (unknown.length > 0) {
    const messages: string[] = [];
    for (const id of unknown) messages.push(await unknownCitationMessage(view, id));
    return { error: `get_passage: ${messages.join('\n')}` };
  }
  const passages: PassageOut[] = [];
  for (const p of found) if (p) passages.push(await describe(view, p, args.before, args.after));
  return { passages };
}

async function describe(view: IndexView, p: Passage, before: number, after: number): Promise<PassageOut> {
  const siblings = await view.backend.passagesOf(p.docId);
  const at = siblings.findIndex((s) => s.id === p.id);
  return {
    ...passageFields(p),
    ...documentRef(await view.backend.document(p.docId), p.docId),
    language: p.lang,
    before: siblings.slice(Math.max(0, at - before), at).map(passageFields),
    after: siblings.slice(at + 1, at + 1 + after).map(passageFields),
  };
}

export function renderPassages(passages: readonly PassageOut[]): string {
  const lines = [SOURCE_TEXT_NOTE];
  for (const p of passages) {
    const source = [p.outlet, p.published].filter(Boolean).join(', ');
    lines.push('', `[${idText(p.citation)}] «${inlineText(p.title)}»${source ? ` («${inlineText(source)}»)` : ''}; ${p.language}, ${p.kind}, chars ${p.start}–${p.end}`);
    for (const n of p.before) lines.push(`  before [${idText(n.citation)}]:`, quoteBlock(n.text, '  '));
    lines.push(quoteBlock(p.text));
    for (const n of p.after) lines.push(`  after [${idText(n.citation)}]:`, quoteBlock(n.text, '  '));
  }
  lines.push('', 'Next: verify_quote before quoting; cite as [citation].');
  return lines.join('\n');
}
