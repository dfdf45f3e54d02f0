// Page furniture: the parts of a saved news page that are not the article and must never become
// passages. Rules describe FAMILIES of patterns (list markers "قائمة N من M", disclaimer phrasing
// in Arabic/Persian/English, short tag-like lines trailing the article, breadcrumbs, share bars),
// not the exact strings of the seed files. Disclaimer, credit and dateline units are kept apart
// (not dropped silently) because metadata reads the outlet and publication date from them.

import { countWords, endsWithSentencePunct, foldForMatch, hasLetter, DIGIT } from './chars.ts';
import { findDates } from './dates.ts';
import type { Unit } from './lines.ts';

export type UnitRole =
  | 'content'
  | 'list'
  | 'disclaimer'
  | 'credit'
  | 'dateline'
  | 'nav'
  | 'tags'
  | 'frontmatter';

/**
 * A regex from natural-spelling phrases. Each phrase is folded the way `foldForMatch` folds the
 * line, words are joined by `\s+`, and `…` stands for a short gap (up to 60 characters, lazily)
 * so phrasing variants ("لا يتحمل الموقع أي مسؤولية") match one rule.
 */
function phrases(list: readonly string[], anchored = false, suffix = ''): RegExp {
  const alts = list.map((p) =>
    foldForMatch(p)
      .split(' ')
      .map((w) => (w === '…' ? '.{0,60}?' : w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('\\s+')
      .replace(/\\s\+\.\{0,60\}\?\\s\+/g, '\\s.{0,60}?'),
  );
  return new RegExp(`${anchored ? '^' : ''}(?:${alts.join('|')})${suffix}`, 'u');
}

/** Disclaimers attached to republished news ("first published on …, we bear no responsibility"). */
const DISCLAIMER = phrases([
  // Arabic
  'نشر … أولا على', 'نشر … أولا في', 'نشر … لأول مرة على', 'نشر … لأول مرة في',
  'نشر في الأصل على', 'نشرت … أولا على', 'ظهر … أولا على', 'تم جلبه من مصدره', 'جلب من مصدره الأصلي',
  'لا يتحمل … مضمونه', 'لا يتحمل … مسؤولية', 'لا نتحمل … مسؤولية', 'لا تتحمل … مسؤولية',
  'لا يتحمل … محتواه', 'غير مسؤول عن … محتوى', 'تفاصيل هذا الخبر من خلال مصدره',
  'يعبر عن رأي كاتبه', 'لا يعبر بالضرورة عن',
  // English
  'first published on', 'first published in', 'first published by', 'originally published on',
  'originally published in', 'originally published by', 'originally appeared on',
  'originally appeared in', 'first appeared on', 'first appeared in', 'bear no responsibility',
  'bears no responsibility', 'take no responsibility', 'takes no responsibility',
  'accept no responsibility', 'accepts no responsibility', 'assume no responsibility',
  'not responsible for … content', 'republished with permission', 'republished from',
  'views expressed … do not … reflect',
  // Persian
  'ابتدا در … منتشر', 'نخستین بار در … منتشر', 'اولین بار در … منتشر', 'برای نخستین بار … منتشر',
  'مسئولیتی … ندارد', 'مسئولیتی … نداریم', 'مسئولیتی … نمی پذیرد', 'مسئولیت … بر عهده … نیست',
  'از منبع اصلی … دریافت', 'بازنشر شده', 'بازنشر از',
]);
/** Disclaimers are sentences about the page, not long article paragraphs. */
const DISCLAIMER_MAX_CHARS = 400;
/** Content units at least this long count as article paragraphs for the edge rule. */
const EDGE_PARAGRAPH_CHARS = 120;

/** "Recommended stories", "read also", "related articles": headers of link lists. */
const LIST_HEADER = phrases(
  [
    'قصص موصى بها', 'مقالات موصى بها', 'أخبار موصى بها', 'مواضيع ذات صلة', 'مقالات ذات صلة',
    'أخبار ذات صلة', 'قصص ذات صلة', 'اقرأ أيضا', 'إقرأ أيضا', 'اقرأ المزيد', 'اقرأ كذلك',
    'المزيد من الأخبار', 'الأكثر قراءة', 'recommended stories', 'recommended for you', 'related stories',
    'related articles', 'related news', 'read more', 'read also', 'more stories', 'most read',
    'see also', 'بیشتر بخوانید', 'بخوانید', 'مطالب مرتبط', 'اخبار مرتبط', 'مطالب پیشنهادی',
    'پربازدیدترین', 'پیشنهاد سردبیر',
  ],
  true,
);
const LIST_HEADER_MAX_CHARS = 160;

const N = `${DIGIT}+`;
/** "قائمة 1 من 4", "- القائمة 3 من 4", "list 2 of 4", "فهرست ۱ از ۴", possibly after "قائمة من 4 عناصر". */
const LIST_INTRO = `(?:(?:ال)?قائمة\\s*من\\s*${N}\\s*عناصر|list\\s+of\\s+${N}\\s+items|فهرست\\s*${N}\\s*(?:مورد|مطلب)ی?)`;
const LIST_MARK = `(?:(?:ال)?قائمة\\s*${N}\\s*من\\s*${N}|(?:list|item)\\s+${N}\\s+of\\s+${N}|(?:فهرست|مورد)\\s*${N}\\s*از\\s*${N})`;
const LIST_ITEM = new RegExp(
  `^[\\s\\-–—•*·]{0,4}(?:${LIST_INTRO}\\s*[-–—]?\\s*(?:${LIST_MARK}|$)|${LIST_MARK})`,
  'iu',
);

/** Lines that are page chrome wherever they appear. */
const NAV_PHRASE = phrases(
  [
    'skip to content', 'skip to main content', 'back to top', 'انتقل إلى المحتوى',
    'تخطى إلى المحتوى', 'العودة إلى الأعلى', 'follow us', 'تابعونا على', 'تابعنا على',
    'subscribe to', 'sign up for', 'اشترك في', 'ما را در … دنبال کنید', 'all rights reserved',
    'جميع الحقوق محفوظة', 'حقوق النشر محفوظة', 'كل الحقوق محفوظة', 'تمامی حقوق', 'کلیه حقوق',
    'copyright', '©',
  ],
  true,
);
const NAV_MAX_CHARS = 120;
/** Share bars and menus: lines made only of these words. */
const NAV_WORDS = new Set(
  [
    'share', 'tweet', 'facebook', 'twitter', 'x', 'whatsapp', 'telegram', 'linkedin', 'email', 'print', 'copy', 'link', 'comments', 'comment', 'home', 'menu', 'search', 'login',
    'subscribe', 'advertisement', 'ad', 'شارك', 'مشاركة', 'طباعة', 'فيسبوك', 'فيس', 'بوك', 'تويتر',
    'واتساب', 'واتس', 'تلغرام', 'تيليجرام', 'تلجرام', 'لينكدإن', 'البريد', 'الإلكتروني', 'نسخ',
    'الرابط', 'الرئيسية', 'إعلان', 'تعليقات', 'اشتراک', 'گذاری', 'اشتراک‌گذاری', 'چاپ', 'تبلیغات',
    'صفحه', 'اصلی', 'جستجو', 'ایمیل', 'تلگرام', 'واتس‌اپ', 'لینک', 'کپی', 'نظرات',
  ].map(foldForMatch),
);
const BREADCRUMB_SEP = /\s*(?:›|»|>|\/|\||←|→|::)\s*/u;
/** `/` and `|` also separate ordinary words ("سوريا / روسيا"): such a crumb trail must start at home. */
const STRONG_CRUMB_SEP = /[›>←→»]|::/u;
const HOME_WORDS = new Set(['home', 'الرئيسية', 'الصفحة الرئيسية', 'خانه', 'صفحه اصلی'].map(foldForMatch));

/** "المصدر: …", "Source: …", "منبع: …", bylines, photo credits. */
const CREDIT =
  /^(?:المصدر|مصدر|المصادر|منبع|منابع|source|sources|via|بقلم|الكاتب|كتب|كتبت|إعداد|اعداد|ترجمة|تحرير|نویسنده|خبرنگار|ترجمه|photo|photos|صورة|الصورة|عکس|تصوير|تصویر)\s*[:：]\s*\S/iu;
const BYLINE = /^(?:by|By|BY)\s+\p{Lu}/u;
const CREDIT_MAX_CHARS = 120;

/** Words a dateline may carry besides the date and time: labels, weekdays, era marks. */
const DATELINE_MAX_CHARS = 90;
const DATELINE_WORDS = new Set(
  [
    'published', 'updated', 'posted', 'last', 'on', 'at', 'date', 'gmt', 'utc', 'نشر', 'في',
    'آخر', 'تحديث', 'تاريخ', 'النشر', 'بتاريخ', 'محدث', 'منشور', 'تم', 'انتشار', 'تاریخ',
    'به', 'روزرسانی', 'روز', 'ساعت', 'م', 'ه', 'هـ', 'ش', 'الأحد', 'الاثنين', 'الإثنين',
    'الثلاثاء', 'الأربعاء', 'الخميس', 'الجمعة', 'السبت', 'شنبه', 'یکشنبه', 'دوشنبه', 'سه',
    'سه‌شنبه', 'چهارشنبه', 'پنجشنبه', 'پنج', 'جمعه', 'monday', 'tuesday', 'wednesday',
    'thursday', 'friday', 'saturday', 'sunday',
  ].map(foldForMatch),
);
const TIME = new RegExp(`${DIGIT}{1,2}[:：.]${DIGIT}{2}(?:\\s*(?:am|pm|ص|م|ق\\.ظ|ب\\.ظ))?`, 'giu');

/** "Tags:" headers, and the shape of a tag: a short label without sentence punctuation. */
const TAG_HEADER = phrases(
  ['tags', 'keywords', 'الوسوم', 'وسوم', 'كلمات مفتاحية', 'الكلمات المفتاحية', 'برچسب ها', 'کلیدواژه ها', 'کلید واژه ها'],
  true,
  '\\s*(?:[:：].*)?$',
);
const TAG_MAX_CHARS = 30;
const TAG_MAX_WORDS = 3;
const TAG_PUNCT = /[.!?؟۔:;"«»“”()]/u;
const TAG_LIST_SEP = /\s*[,،|·•]\s*/u;

function isTagLike(t: string): boolean {
  return t.length <= TAG_MAX_CHARS && countWords(t) <= TAG_MAX_WORDS && hasLetter(t) && !TAG_PUNCT.test(t) && !t.includes('،') && !t.includes(',');
}

/** "سياسة، اقتصاد، سوريا" on one line: several short labels and nothing else. */
function isTagList(t: string): boolean {
  if (t.length > 200 || endsWithSentencePunct(t)) return false;
  const items = t.split(TAG_LIST_SEP);
  return items.length >= 2 && items.every((i) => i.length > 0 && isTagLike(i));
}

function isNavLine(t: string, folded: string): boolean {
  if (t.length > NAV_MAX_CHARS) return false;
  if (NAV_PHRASE.test(folded)) return true;
  const words = folded.split(/[\s|•·/,،-]+/).filter((w) => w.length > 0);
  if (words.length > 0 && words.every((w) => NAV_WORDS.has(w))) return true;
  const crumbs = t.split(BREADCRUMB_SEP);
  const startsAtHome = HOME_WORDS.has(foldForMatch(crumbs[0] ?? ''));
  return (
    crumbs.length >= 3 &&
    (startsAtHome || STRONG_CRUMB_SEP.test(t)) &&
    !endsWithSentencePunct(t) &&
    crumbs.every((c) => c.length > 0 && countWords(c) <= 4 && hasLetter(c))
  );
}

function isDateline(t: string): boolean {
  if (t.length > DATELINE_MAX_CHARS) return false;
  const dates = findDates(t);
  if (dates.length === 0) return false;
  let rest = '';
  let pos = 0;
  for (const d of dates) {
    rest += ` ${t.slice(pos, d.start)}`;
    pos = d.end;
  }
  rest += ` ${t.slice(pos)}`;
  const words = foldForMatch(rest.replace(TIME, ' ').replace(/[\p{P}\p{S}\p{N}]/gu, ' '))
    .split(' ')
    .filter((w) => w.length > 0);
  return words.every((w) => DATELINE_WORDS.has(w));
}

const LONGEST_FURNITURE_CHARS = 400;

/** Role of one unit judged on its own text (no context). */
export function lineRole(t: string): UnitRole {
  // Every phrase rule is capped well below this; folding a 20 MB line would be wasted work.
  const folded = t.length <= LONGEST_FURNITURE_CHARS ? foldForMatch(t) : '';
  if (LIST_ITEM.test(t)) return 'list';
  if (t.length <= LIST_HEADER_MAX_CHARS && LIST_HEADER.test(folded)) return 'list';
  if (t.length <= DISCLAIMER_MAX_CHARS && DISCLAIMER.test(folded)) return 'disclaimer';
  if (isNavLine(t, folded)) return 'nav';
  if (t.length <= CREDIT_MAX_CHARS && (CREDIT.test(t) || (BYLINE.test(t) && countWords(t) <= 6))) return 'credit';
  if (t.length <= 200 && TAG_HEADER.test(folded)) return 'tags';
  if (isDateline(t)) return 'dateline';
  return 'content';
}

/** True for lines so long that no furniture rule applies: skips the per-line checks. */
function tooLongForFurniture(t: string): boolean {
  return t.length > LONGEST_FURNITURE_CHARS;
}

/** A short heading-like line that introduces a link list. */
function isShortHeader(t: string): boolean {
  return t.length <= 50 && countWords(t) <= 6 && !endsWithSentencePunct(t) && hasLetter(t);
}

/**
 * Roles of all units. Context rules on top of `lineRole`: a short header right before list
 * items belongs to the list, and a run of tag-like lines at the end of the article (after the
 * last real paragraph) is the page's section tags.
 */
export function classifyUnits(text: string, units: readonly Unit[]): UnitRole[] {
  const texts = units.map((u) => text.slice(u.start, u.end));
  const roles: UnitRole[] = units.map((u, i) => {
    const t = texts[i] ?? '';
    if (u.frontMatter) return 'frontmatter';
    // List items ("قائمة 1 من 4…") are the only furniture that may carry a long headline.
    return tooLongForFurniture(t) && !LIST_ITEM.test(t) ? 'content' : lineRole(t);
  });

  // Disclaimers sit at the edges of an article. A disclaimer-phrased line with real paragraphs
  // on both sides ("the report, first published by Reuters, said …") is article text.
  const isParagraph = (i: number): boolean => roles[i] === 'content' && (texts[i]?.length ?? 0) >= EDGE_PARAGRAPH_CHARS;
  const before: number[] = [];
  let count = 0;
  for (let i = 0; i < units.length; i++) {
    before.push(count);
    if (isParagraph(i)) count++;
  }
  for (let i = 0; i < units.length; i++) {
    const after = count - (before[i] ?? 0) - (isParagraph(i) ? 1 : 0);
    if (roles[i] === 'disclaimer' && (before[i] ?? 0) > 1 && after > 1) roles[i] = 'content';
  }

  for (let i = 0; i + 1 < units.length; i++) {
    if (roles[i] === 'content' && roles[i + 1] === 'list' && isShortHeader(texts[i] ?? '') && units[i]?.heading === undefined) {
      roles[i] = 'list';
    }
  }

  // Trailing tag run: walk back over content units, stepping over furniture already found; a
  // "Tags:" header met on the way (before the run in reading order) confirms even one tag.
  const run: number[] = [];
  let headerBefore = false;
  for (let i = units.length - 1; i >= 0; i--) {
    if (roles[i] === 'tags' && run.length > 0) headerBefore = true;
    if (roles[i] !== 'content') continue;
    const t = texts[i] ?? '';
    if (!isTagLike(t) && !isTagList(t)) break;
    run.push(i);
  }
  const first = run[0];
  const single = run.length === 1 && first !== undefined && isTagList(texts[first] ?? '');
  if (run.length >= 2 || single || (run.length === 1 && headerBefore)) {
    for (const k of run) roles[k] = 'tags';
  }
  return roles;
}
