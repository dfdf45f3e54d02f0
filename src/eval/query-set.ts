// Reading an evaluation set: queries.jsonl ({"id", "lang"?, "query", "gold": [ids], "xlang"?,
// "note"?}) and
// passages.jsonl ({"id", "lang", "title"?, "text"}), the format of ../shared/dev-eval. Every
// line is validated, and a bad line is reported with its file and line number, because a typo
// in a hand-written query file must not turn into a quietly lower score.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { detectLanguage } from '../corpus/metadata.ts';

export interface EvalQuery {
  id: string;
  /** As given, or detected from the query text when the line has none. */
  lang: string;
  query: string;
  gold: string[];
  /**
   * What the author says: only articles in another language answer it. Checked against the
   * pool's languages before any search, so a mislabelled question is an error, not a wrong row.
   */
  xlang?: boolean;
}

export interface EvalPassage {
  id: string;
  lang: string;
  title?: string;
  text: string;
}

export class EvalInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvalInputError';
  }
}

const Id = z.union([z.string().min(1), z.number()]).transform(String);

const QueryLine = z.object({
  id: Id,
  lang: z.string().min(1).optional(),
  query: z.string().trim().min(1),
  gold: z.array(z.string().min(1)).min(1),
  xlang: z.boolean().optional(),
  // Free text for the reader (why these gold ids, what was left out); not used in scoring.
  note: z.string().optional(),
});

const PassageLine = z.object({
  id: Id,
  lang: z.string().min(1),
  title: z.string().optional(),
  text: z.string().trim().min(1),
});

async function readJsonl<T>(file: string, schema: z.ZodType<T>, shape: string): Promise<T[]> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (err) {
    throw new EvalInputError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const out: T[] = [];
  const lines = raw.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new EvalInputError(`${file}:${i + 1}: not valid JSON; each line must be one object ${shape}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` (field "${issue.path.join('.')}": ${issue.message})` : '';
      throw new EvalInputError(`${file}:${i + 1}: expected ${shape}${where}`);
    }
    out.push(parsed.data);
  });
  if (out.length === 0) throw new EvalInputError(`${file} holds no lines; expected one object ${shape} per line`);
  return out;
}

function rejectDuplicates(items: readonly { id: string }[], file: string, what: string): void {
  const seen = new Set<string>();
  const dupes = new Set<string>();
  for (const { id } of items) (seen.has(id) ? dupes : seen).add(id);
  if (dupes.size > 0) {
    throw new EvalInputError(`${file}: ${what} ids must be unique; repeated: ${listIds([...dupes])}`);
  }
}

/** At most `max` ids, then how many more: error messages stay one readable line. */
export function listIds(ids: readonly string[], max = 10): string {
  const shown = ids.slice(0, max).join(', ');
  return ids.length > max ? `${shown} … and ${ids.length - max} more` : shown;
}

export async function readQueries(file: string): Promise<EvalQuery[]> {
  const lines = await readJsonl(
    file,
    QueryLine,
    '{"id", "lang" (optional), "query", "gold": ["passage or document id", ...], "xlang" (optional true/false), "note" (optional)}',
  );
  rejectDuplicates(lines, file, 'query');
  return lines.map((l) => ({
    id: l.id,
    lang: l.lang ?? detectLanguage(l.query),
    query: l.query,
    gold: [...new Set(l.gold)],
    ...(l.xlang !== undefined ? { xlang: l.xlang } : {}),
  }));
}

export async function readPassages(file: string): Promise<EvalPassage[]> {
  const lines = await readJsonl(file, PassageLine, '{"id", "lang", "title" (optional), "text"}');
  rejectDuplicates(lines, file, 'passage');
  return lines.map((l) => ({ id: l.id, lang: l.lang, text: l.text, ...(l.title !== undefined ? { title: l.title } : {}) }));
}

/**
 * Several files read as one set (a mixed-language pool, or query sets in several languages
 * against it). An id given by two files is an error naming both: merging two sets must not let
 * one silently replace a line of the other.
 */
async function readMany<T extends { id: string }>(files: readonly string[], read: (file: string) => Promise<T[]>, what: string): Promise<T[]> {
  const from = new Map<string, string>();
  const out: T[] = [];
  for (const file of files) {
    const items = await read(file);
    const repeated = items.filter((item) => from.has(item.id));
    const first = repeated[0];
    if (first !== undefined) {
      throw new EvalInputError(
        `${file} repeats ${repeated.length} ${what} id(s) of ${from.get(first.id)}: ${listIds(repeated.map((r) => r.id))}; ids must be unique across the files given (give each set once, or prefix its ids)`,
      );
    }
    for (const item of items) from.set(item.id, file);
    out.push(...items);
  }
  return out;
}

export function readQuerySets(files: readonly string[]): Promise<EvalQuery[]> {
  return readMany(files, readQueries, 'query');
}

export function readPassageSets(files: readonly string[]): Promise<EvalPassage[]> {
  return readMany(files, readPassages, 'passage');
}
