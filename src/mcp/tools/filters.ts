// The filters search and list_documents share (and the CLI, through the same schemas): language,
// outlets, and date ranges over the publication date or the dates an article mentions. They become
// the backend's PassageFilter, which is applied inside the lexical and vector searches, so k results
// come back whenever k matching passages exist.
import { z } from 'zod';
import type { DateRange, PassageFilter } from '../../backend/backend.ts';

export const MAX_OUTLETS = 20;
export const MAX_OUTLET_CHARS = 200;

/** `2025`, `2025-12` or `2025-12-08`, a real calendar date. */
const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/u;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The first or last day a partial date stands for: `2025-12` is 2025-12-01 as a start and
 * 2025-12-31 as an end. Null when the text is not a date.
 */
export function expandDate(text: string, end: 'from' | 'to'): string | null {
  const m = DATE.exec(text.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = m[2] !== undefined ? Number(m[2]) : end === 'from' ? 1 : 12;
  if (month < 1 || month > 12) return null;
  const last = daysIn(year, month);
  const day = m[3] !== undefined ? Number(m[3]) : end === 'from' ? 1 : last;
  if (day < 1 || day > last) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const dateField = (end: 'from' | 'to', of: string) =>
  z
    .string()
    .refine((s) => expandDate(s, end) !== null, `${of}_${end} must be a date: YYYY-MM-DD, or YYYY-MM / YYYY for a whole month or year`)
    .optional()
    .describe(
      `${end === 'from' ? 'Earliest' : 'Latest'} ${of === 'published' ? 'publication date' : 'date mentioned in the article'} (inclusive), ` +
        `YYYY-MM-DD; YYYY-MM or YYYY stand for the ${end === 'from' ? 'first' : 'last'} day of that month or year.`,
    );

/** The filter fields, as zod shapes merged into a tool's input schema. */
export const filterShape = {
  language: z
    .enum(['ar', 'fa', 'en'])
    .optional()
    .describe('Only passages written in this language: ar Arabic, fa Persian, en English. Default: all.'),
  outlets: z
    .array(z.string().trim().min(1).max(MAX_OUTLET_CHARS))
    .max(MAX_OUTLETS, `at most ${MAX_OUTLETS} outlets`)
    .optional()
    .describe(
      `Only articles first published by one of these outlets, as list_documents names them (e.g. "SANA"; spelling variants of ` +
        `Arabic and Persian letters match). Articles that name no outlet are left out. At most ${MAX_OUTLETS}. Default: all.`,
    ),
  published_from: dateField('from', 'published'),
  published_to: dateField('to', 'published'),
  mentioned_from: dateField('from', 'mentioned'),
  mentioned_to: dateField('to', 'mentioned'),
};

export type FilterArgs = z.infer<z.ZodObject<typeof filterShape>>;

function range(from: string | undefined, to: string | undefined): DateRange | undefined {
  const r: DateRange = {};
  const f = from !== undefined ? expandDate(from, 'from') : null;
  const t = to !== undefined ? expandDate(to, 'to') : null;
  if (f) r.from = f;
  if (t) r.to = t;
  return f || t ? r : undefined;
}

/** The backend filter the arguments ask for, or an error message the model can act on. */
export function passageFilter(args: FilterArgs): { filter: PassageFilter } | { error: string } {
  const filter: PassageFilter = {};
  if (args.language) filter.languages = [args.language];
  if (args.outlets && args.outlets.length > 0) filter.outlets = args.outlets;
  const published = range(args.published_from, args.published_to);
  const mentioned = range(args.mentioned_from, args.mentioned_to);
  for (const [name, r] of [['published', published], ['mentioned', mentioned]] as const) {
    if (r?.from && r.to && r.from > r.to) return { error: `${name}_from (${r.from}) is after ${name}_to (${r.to}): swap them or widen the range.` };
  }
  if (published) filter.published = published;
  if (mentioned) filter.mentioned = mentioned;
  return { filter };
}

/** "language fa, outlet SANA, published 2025-12-01 to 2025-12-31": the active filters, for messages. */
export function describeFilter(filter: PassageFilter): string {
  const parts: string[] = [];
  if (filter.documents?.length) parts.push(`${filter.documents.length} document${filter.documents.length === 1 ? '' : 's'}`);
  if (filter.languages?.length) parts.push(`language ${filter.languages.join('/')}`);
  if (filter.outlets?.length) parts.push(`outlet ${filter.outlets.join(' or ')}`);
  const dates = (name: string, r?: DateRange) => {
    if (r) parts.push(`${name} ${r.from ?? '…'} to ${r.to ?? '…'}`);
  };
  dates('published', filter.published);
  dates('mentioning a date from', filter.mentioned);
  return parts.join(', ');
}

/** Whether the filter narrows anything. */
export function isFiltered(filter: PassageFilter): boolean {
  return Object.values(filter).some((v) => v !== undefined && (!Array.isArray(v) || v.length > 0));
}
