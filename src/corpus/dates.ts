// Full dates (day + month + year) written in Arabic, Persian or English news text, to ISO.
// Month names: Levantine (كانون الأول), Egyptian/Gulf (ديسمبر), Maghrebi (جانفي), Persian
// Gregorian (دسامبر), English. Solar Hijri dates (۳ دی ۱۴۰۴, ۱۴۰۴/۱۰/۰۳) are CONVERTED to
// Gregorian, so a Persian article that only gives the Iranian calendar still yields dates.
// Lunar Hijri dates (رجب 1447 هـ) are ignored: converting them needs an observational calendar.
// Numeric dates are read day-first (23/12/2025), the convention of the corpus languages.

import { DIGIT, foldForMatch, toAsciiDigits, type Range } from './chars.ts';

type Calendar = 'gregorian' | 'jalali';

interface MonthName {
  names: string[];
  month: number;
  calendar: Calendar;
}

const MONTHS: MonthName[] = [
  // Gregorian, one entry per month: Levantine, Egyptian, Maghrebi, Persian, English spellings.
  { month: 1, calendar: 'gregorian', names: ['كانون الثاني', 'يناير', 'جانفي', 'ژانویه', 'ژانویهٔ', 'january', 'jan'] },
  { month: 2, calendar: 'gregorian', names: ['شباط', 'فبراير', 'فيفري', 'فوریه', 'february', 'feb'] },
  { month: 3, calendar: 'gregorian', names: ['آذار', 'مارس', 'march', 'mar'] },
  { month: 4, calendar: 'gregorian', names: ['نيسان', 'أبريل', 'إبريل', 'أفريل', 'آوریل', 'april', 'apr'] },
  { month: 5, calendar: 'gregorian', names: ['أيار', 'مايو', 'ماي', 'مه', 'می', 'may'] },
  { month: 6, calendar: 'gregorian', names: ['حزيران', 'يونيو', 'يونيه', 'جوان', 'ژوئن', 'june', 'jun'] },
  { month: 7, calendar: 'gregorian', names: ['تموز', 'يوليو', 'يوليه', 'جويلية', 'ژوئیه', 'جولای', 'july', 'jul'] },
  { month: 8, calendar: 'gregorian', names: ['آب', 'أغسطس', 'أوت', 'اوت', 'آگوست', 'august', 'aug'] },
  { month: 9, calendar: 'gregorian', names: ['أيلول', 'سبتمبر', 'سپتامبر', 'september', 'sept', 'sep'] },
  { month: 10, calendar: 'gregorian', names: ['تشرين الأول', 'أكتوبر', 'اکتبر', 'october', 'oct'] },
  { month: 11, calendar: 'gregorian', names: ['تشرين الثاني', 'نوفمبر', 'نوامبر', 'november', 'nov'] },
  { month: 12, calendar: 'gregorian', names: ['كانون الأول', 'ديسمبر', 'دسامبر', 'december', 'dec'] },
  // Solar Hijri (Iranian calendar).
  ...['فروردین', 'اردیبهشت', 'خرداد', 'تیر', 'مرداد', 'شهریور', 'مهر', 'آبان', 'آذر', 'دی', 'بهمن', 'اسفند'].map(
    (name, i): MonthName => ({ month: i + 1, calendar: 'jalali', names: [name] }),
  ),
];

/** Folded month spelling → the months it may name (the same word can exist in two calendars). */
const BY_FOLDED = new Map<string, MonthName[]>();
for (const m of MONTHS) {
  for (const n of m.names) {
    const key = foldForMatch(n);
    BY_FOLDED.set(key, [...(BY_FOLDED.get(key) ?? []), m]);
  }
}

/** A regex fragment matching a name in any of the spellings folding treats as equal. */
function spellingPattern(name: string): string {
  const classes: Record<string, string> = {
    ا: '[اأإآٱ]', أ: '[اأإآٱ]', إ: '[اأإآٱ]', آ: '[اأإآٱ]',
    ي: '[يیى]', ی: '[يیى]', ى: '[يیى]', ك: '[كک]', ک: '[كک]', ة: '[ةه]', ه: '[ةه]',
  };
  let out = '';
  for (const ch of name) {
    if (ch === ' ') out += '\\s+';
    else if (ch === '\u200c') out += '[\\s\\u200c]?';
    else out += classes[ch] ?? ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

const MONTH_ALT = [...new Set(MONTHS.flatMap((m) => m.names))]
  .sort((a, b) => b.length - a.length)
  .map(spellingPattern)
  .join('|');
const NOT_WORD_BEFORE = '(?<![\\p{L}\\p{N}\\p{M}])';
const NOT_WORD_AFTER = '(?![\\p{L}\\p{N}\\p{M}])';
const D = DIGIT;
const SEP = '[\\s,،]*';

/** 23 كانون الأول 2025 · 24 من كانون الأول/ديسمبر عام 2025 · ۳ دی ۱۴۰۴ · 15th of October, 2025 */
// Each pattern opens with a cheap lookahead on its first character, so the costlier Unicode
// lookbehind runs only where a date can start.
const DAY_MONTH_YEAR = new RegExp(
  `(?=${D})${NOT_WORD_BEFORE}(${D}{1,2})(?:st|nd|rd|th|ام)?\\s*(?:(?:من|of)\\s+)?(${MONTH_ALT})\\.?` +
    `(?:\\s*[/(]\\s*(?:${MONTH_ALT})\\s*\\)?)?${SEP}(?:(?:عام|سنة|سال)\\s+)?(${D}{4})${NOT_WORD_AFTER}`,
  'giu',
);
/** English month names only: the month-first order is an English habit. */
const LATIN_MONTH_ALT = [...new Set(MONTHS.flatMap((m) => m.names))]
  .filter((n) => /^[a-z]+$/.test(n))
  .sort((a, b) => b.length - a.length)
  .join('|');
/** December 23, 2025 */
const MONTH_DAY_YEAR = new RegExp(
  `(?=[a-z])${NOT_WORD_BEFORE}(${LATIN_MONTH_ALT})\\.?\\s+(${D}{1,2})(?:st|nd|rd|th)?${SEP}(${D}{4})${NOT_WORD_AFTER}`,
  'giu',
);
/** 2025-12-23 · 1404/10/03 (year first) and 23/12/2025 · 23.12.2025 (day first). */
const NUMERIC = new RegExp(
  `(?=${D})(?<![\\p{N}/.-])(?:(${D}{4})([-/.])(${D}{1,2})\\2(${D}{1,2})|(${D}{1,2})([-/.])(${D}{1,2})\\6(${D}{4}))(?![\\p{N}]|[/.-]\\p{N})`,
  'gu',
);

export interface FoundDate extends Range {
  iso: string;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Valid Gregorian date → ISO; undefined for 31 February and friends or implausible years. */
export function gregorianIso(year: number, month: number, day: number): string | undefined {
  if (year < 1800 || year > 2200 || month < 1 || month > 12 || day < 1) return undefined;
  const t = new Date(Date.UTC(year, month - 1, day));
  if (t.getUTCMonth() !== month - 1) return undefined;
  return `${year}-${pad(month)}-${pad(day)}`;
}

// Jalaali calendar: the break years of the 2820-year-free astronomical leap rule (the published
// algorithm of Borkowski, as used by common Iranian calendar libraries).
const JALALI_BREAKS = [-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178];

function div(a: number, b: number): number {
  return Math.trunc(a / b);
}

/** The March day of the Gregorian year in which Jalali year `jy` starts (Nowruz). */
function nowruzMarchDay(jy: number): number {
  const gy = jy + 621;
  let leapJ = -14;
  let jp = JALALI_BREAKS[0] ?? -61;
  let jump = 0;
  for (let i = 1; i < JALALI_BREAKS.length; i++) {
    const jm = JALALI_BREAKS[i] ?? 0;
    jump = jm - jp;
    if (jy < jm) break;
    leapJ += div(jump, 33) * 8 + div(jump % 33, 4);
    jp = jm;
  }
  const n = jy - jp;
  leapJ += div(n, 33) * 8 + div((n % 33) + 3, 4);
  if (jump % 33 === 4 && jump - n === 4) leapJ++;
  const leapG = div(gy, 4) - div((div(gy, 100) + 1) * 3, 4) - 150;
  return 20 + leapJ - leapG;
}

/** Solar Hijri date → Gregorian ISO; undefined outside 1200–1600 SH or for impossible days. */
export function jalaliToIso(jy: number, jm: number, jd: number): string | undefined {
  if (jy < 1200 || jy > 1600 || jm < 1 || jm > 12 || jd < 1) return undefined;
  if (jd > (jm <= 6 ? 31 : 30)) return undefined;
  const dayOfYear = (jm <= 6 ? (jm - 1) * 31 : 186 + (jm - 7) * 30) + jd - 1;
  const t = new Date(Date.UTC(jy + 621, 2, nowruzMarchDay(jy) + dayOfYear));
  if (jm === 12 && jd === 30) {
    // Esfand 30 exists only in leap years: it must fall the day before the next Nowruz.
    const next = new Date(Date.UTC(jy + 622, 2, nowruzMarchDay(jy + 1) - 1));
    if (t.getTime() !== next.getTime()) return undefined;
  }
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

function toIso(year: number, month: MonthName[] | undefined, day: number): string | undefined {
  if (!month) return undefined;
  // A folded spelling may name two calendars (آذر vs آذار): the year's era decides.
  const calendar: Calendar = year >= 1200 && year <= 1600 ? 'jalali' : 'gregorian';
  const m = month.find((x) => x.calendar === calendar);
  if (!m) return undefined;
  return calendar === 'jalali' ? jalaliToIso(year, m.month, day) : gregorianIso(year, m.month, day);
}

function num(s: string | undefined): number {
  return Number(toAsciiDigits(s ?? ''));
}

/** Every full date in `text`, in order of appearance (duplicates kept; callers dedupe). */
const YEAR_LIKE = new RegExp(`${D}{4}`, 'u');
const LATIN = /[a-z]/i;

export function findDates(text: string): FoundDate[] {
  const found: FoundDate[] = [];
  // Every full date has a four-digit year: most paragraphs have none and cost one scan.
  if (!YEAR_LIKE.test(text)) return found;
  for (const m of text.matchAll(DAY_MONTH_YEAR)) {
    const iso = toIso(num(m[3]), BY_FOLDED.get(foldForMatch(m[2] ?? '')), num(m[1]));
    if (iso) found.push({ iso, start: m.index, end: m.index + m[0].length });
  }
  for (const m of LATIN.test(text) ? text.matchAll(MONTH_DAY_YEAR) : []) {
    const iso = toIso(num(m[3]), BY_FOLDED.get(foldForMatch(m[1] ?? '')), num(m[2]));
    if (iso) found.push({ iso, start: m.index, end: m.index + m[0].length });
  }
  for (const m of text.matchAll(NUMERIC)) {
    const [y, mo, d] = m[1] !== undefined ? [num(m[1]), num(m[3]), num(m[4])] : [num(m[8]), num(m[7]), num(m[5])];
    const iso = y >= 1200 && y <= 1600 ? jalaliToIso(y, mo, d) : gregorianIso(y, mo, d);
    if (iso) found.push({ iso, start: m.index, end: m.index + m[0].length });
  }
  return found.sort((a, b) => a.start - b.start);
}
