// Language, outlet and dates of an article, read from its own text. Pure functions.

import type { Lang } from '../types.ts';
import { findDates } from './dates.ts';

/** Fewer script letters than this and a text is `und`: one or two letters tell nothing. */
const MIN_LETTERS = 3;

/** Letters only Persian writes (پ چ ژ گ ۀ) weigh more than ی and ک, which Arabic pages also misuse. */
const FA_STRONG = new Set([0x067e, 0x0686, 0x0698, 0x06af, 0x06c0]);
const FA_WEAK = new Set([0x06cc, 0x06a9]);
/** ة never appears in Persian spelling of native words; ي ى ك are the Arabic code points. */
const AR_STRONG = new Set([0x0629]);
const AR_WEAK = new Set([0x064a, 0x0649, 0x0643]);
/** Persian morphology: the verbal prefix «می‌» and the plural «‌ها» joined with ZWNJ. */
const FA_FORMS = /(?:^|[\s\u200c])(?:ن?می)\u200c|\u200c(?:ها|های|هایی)(?![\p{L}])/gu;
/** The Arabic article at the start of a word. Persian borrows it (الشرع), so it weighs little. */
const AR_ARTICLE = /(?:^|\s)(?:[وفبكل]?ال)\p{L}/gu;

function isArabicScript(code: number): boolean {
  return (code >= 0x0620 && code <= 0x064a) || (code >= 0x066e && code <= 0x06d3) || code === 0x06d5 || (code >= 0x06fa && code <= 0x06ff);
}

function isLatinLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || (code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7);
}

/**
 * Tells Arabic from Persian from English. Arabic script vs Latin decides by letter counts; within
 * Arabic script, Persian-only letters and morphology are weighed against Arabic-only letters and
 * the article «ال». Texts are sampled up to 20,000 characters (enough; keeps 20 MB files cheap).
 */
export function detectLanguage(text: string): Lang {
  const sample = text.length > 20000 ? text.slice(0, 20000) : text;
  let arabicScript = 0;
  let latin = 0;
  let fa = 0;
  let ar = 0;
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    if (code < 0x41) continue;
    if (isArabicScript(code)) {
      arabicScript++;
      if (FA_STRONG.has(code)) fa += 3;
      else if (FA_WEAK.has(code)) fa += 1;
      else if (AR_STRONG.has(code)) ar += 3;
      else if (AR_WEAK.has(code)) ar += 1;
    } else if (isLatinLetter(code)) {
      latin++;
    }
  }
  if (arabicScript + latin < MIN_LETTERS) return 'und';
  if (latin > arabicScript) return 'en';
  fa += 3 * (sample.match(FA_FORMS)?.length ?? 0);
  ar += 0.5 * (sample.match(AR_ARTICLE)?.length ?? 0);
  if (fa === 0 && ar === 0) return 'ar';
  return fa > ar ? 'fa' : 'ar';
}

/** Distinct ISO dates in the given texts, in order of appearance. */
export function collectDates(texts: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const t of texts) for (const d of findDates(t)) seen.add(d.iso);
  return [...seen];
}

export interface Publication {
  outlet?: string;
  published?: string;
}

/** Stops an outlet name: the next clause ("وتم جلبه", "on 23 …", "منتشر"), a comma, a full stop. */
const OUTLET_STOP = String.raw`(?=\s+(?:و?تم|و?بتاريخ|في\s+تاريخ|on\s+\p{N}|on\s+\p{L}+\s+\p{N}|and\s|منتشر|درج)|\s*[،,;؛]|\.(?:\s|$)|\s*$)`;
const OUTLET_PATTERNS: RegExp[] = [
  // Arabic: "نشر [هذا المقال] أولاً على موقع قناة الإخبارية وتم جلبه …"; «موقع» (website) is
  // not part of the name, «قناة»/«صحيفة» are.
  new RegExp(
    String.raw`(?:ن\u064f?ش\u0650?ر(?:\u064e|\u062a|\u0652)*|ظهر)(?:\s+\S+){0,3}?\s+(?:أولاً|أولا|اولا|لأول\s+مرة|في\s+الأصل)\s+(?:على|في|عبر)\s+(?:موقع\s+)?(.{1,80}?)` + OUTLET_STOP,
    'u',
  ),
  // English: "first published on the website of X on 23 December 2025"
  new RegExp(
    String.raw`(?:first|originally)\s+(?:published|appeared)\s+(?:on|in|by|at)\s+(?:the\s+website\s+of\s+)?(.{1,80}?)` + OUTLET_STOP,
    'iu',
  ),
  // Persian: "این خبر ابتدا در خبرگزاری X منتشر شده است"
  new RegExp(
    String.raw`(?:ابتدا|نخستین\s+بار|اولین\s+بار)\s+(?:در|توسط)\s+(?:سایت\s+|وب[\s\u200c]?سایت\s+|پایگاه\s+خبری\s+)?(.{1,80}?)` + OUTLET_STOP,
    'u',
  ),
];
const CREDIT_OUTLET = /^(?:المصدر|مصدر|منبع|source|via)\s*[:：]\s*(.{1,80}?)\s*[.،,]?\s*$/iu;

function cleanOutlet(s: string | undefined): string | undefined {
  const t = (s ?? '').replace(/^["'«“]+|["'»”]+$/gu, '').trim();
  return t.length > 0 && t.length <= 80 ? t : undefined;
}

/**
 * Outlet and first-publication date from the units the furniture rules set aside. Disclaimers
 * ("first published on X … on <date>") win over credit lines ("المصدر: X") and datelines.
 */
export function extractPublication(lines: {
  disclaimers: readonly string[];
  credits: readonly string[];
  datelines: readonly string[];
}): Publication {
  let outlet: string | undefined;
  let published: string | undefined;
  for (const line of lines.disclaimers) {
    for (const re of OUTLET_PATTERNS) {
      outlet ??= cleanOutlet(re.exec(line)?.[1]);
    }
    published ??= findDates(line)[0]?.iso;
  }
  for (const line of lines.credits) outlet ??= cleanOutlet(CREDIT_OUTLET.exec(line)?.[1]);
  for (const line of lines.datelines) published ??= findDates(line)[0]?.iso;
  const out: Publication = {};
  if (outlet !== undefined) out.outlet = outlet;
  if (published !== undefined) out.published = published;
  return out;
}
