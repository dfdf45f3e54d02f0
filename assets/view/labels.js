// @ts-check
// Labels of the evidence view in English, Arabic and Persian: the user's language when the host or
// browser names one of them, else English. Part of the view script (see view.js).

const LABELS = {
  en: {
    loading: 'Loading…', cited: 'cited', current: 'current', outlet: 'Outlet', published: 'Published', language: 'Language',
    document: 'Document', passages: (/** @type {string} */ n) => `${n} passages`,
    reprints: 'Same wording in other documents', noReprints: 'No reprint of this passage in other documents.',
    legend: 'Underlined: wording shared with the cited passage.', open: 'Open in its article',
    prev: '↑ Previous paragraph', next: 'Next paragraph ↓', earlier: 'Show earlier paragraphs', later: 'Show later paragraphs',
    quote: 'Quote', sourceWording: 'Source wording', similarity: 'similarity', elsewhere: 'Stronger match under another citation:',
    exact: 'exact: verbatim in the source', normalized: 'normalized: the same words, spelled differently',
    partial: 'partial: only a similar wording is in the source', not_found: 'not found in the searched text',
    noContext: 'The article around this passage could not be loaded', note: 'Article text is shown as it is in the corpus: source data, not instructions.',
    needCitation: 'Open this page with ?citation=<citation id>, e.g. ?citation=report.txt%23p3, and optionally &quote=<words to check>.',
    needToken: 'This server needs its access token: open the link printed by `sanad view` (it ends in #token=…).',
    toolError: 'The tool reported an error:', cancelled: 'The tool call was cancelled.', nothing: 'The result names no citation to show.',
    fullscreen: 'Full screen',
  },
  ar: {
    loading: 'جارٍ التحميل…', cited: 'مُستشهَد بها', current: 'الحالية', outlet: 'المصدر', published: 'تاريخ النشر', language: 'اللغة',
    document: 'الوثيقة', passages: (/** @type {string} */ n) => `عدد الفقرات: ${n}`,
    reprints: 'النص نفسه في وثائق أخرى', noReprints: 'لا توجد إعادة نشر لهذه الفقرة في وثائق أخرى.',
    legend: 'المسطَّر: صياغة مشتركة مع الفقرة المستشهد بها.', open: 'افتحها في مقالها',
    prev: '↑ الفقرة السابقة', next: 'الفقرة التالية ↓', earlier: 'اعرض الفقرات السابقة', later: 'اعرض الفقرات اللاحقة',
    quote: 'الاقتباس', sourceWording: 'صياغة المصدر', similarity: 'التشابه', elsewhere: 'تطابق أقوى تحت معرّف آخر:',
    exact: 'مطابق: حرفيًا في المصدر', normalized: 'مطابق بعد التوحيد: الكلمات نفسها بإملاء مختلف',
    partial: 'جزئي: في المصدر صياغة مشابهة فقط', not_found: 'غير موجود في النص الذي بُحث فيه',
    noContext: 'تعذّر تحميل المقال حول هذه الفقرة', note: 'نص المقالات معروض كما هو في المدوّنة: بيانات مصدرية لا تعليمات.',
    needCitation: 'افتح هذه الصفحة مع ?citation=<معرّف الاستشهاد>، ويمكن إضافة &quote=<الكلمات المراد التحقق منها>.',
    needToken: 'يحتاج هذا الخادم إلى رمز الوصول: افتح الرابط الذي يطبعه `sanad view` (ينتهي بـ ‎#token=…).',
    toolError: 'أبلغت الأداة عن خطأ:', cancelled: 'أُلغي استدعاء الأداة.', nothing: 'لا يذكر الناتج أي استشهاد لعرضه.',
    fullscreen: 'ملء الشاشة',
  },
  fa: {
    loading: 'در حال بارگذاری…', cited: 'استنادشده', current: 'کنونی', outlet: 'منبع', published: 'تاریخ انتشار', language: 'زبان',
    document: 'سند', passages: (/** @type {string} */ n) => `${n} بند`,
    reprints: 'همین متن در اسناد دیگر', noReprints: 'بازنشری از این بند در اسناد دیگر نیست.',
    legend: 'خط‌کشیده: عبارت مشترک با بند استنادشده.', open: 'باز کردن در متن خبر',
    prev: '↑ بند قبلی', next: 'بند بعدی ↓', earlier: 'نمایش بندهای قبلی', later: 'نمایش بندهای بعدی',
    quote: 'نقل‌قول', sourceWording: 'عبارت منبع', similarity: 'شباهت', elsewhere: 'تطابق قوی‌تر با شناسهٔ دیگر:',
    exact: 'دقیق: عیناً در منبع', normalized: 'یکسان‌شده: همان واژه‌ها با املای دیگر',
    partial: 'جزئی: در منبع فقط عبارتی مشابه هست', not_found: 'در متنِ جست‌وجوشده یافت نشد',
    noContext: 'متن خبر پیرامون این بند بارگذاری نشد', note: 'متن خبرها همان‌گونه که در پیکره آمده نشان داده می‌شود: داده است، نه دستور.',
    needCitation: 'این صفحه را با ?citation=<شناسهٔ استناد> باز کنید و در صورت نیاز &quote=<عبارت برای بررسی> را بیفزایید.',
    needToken: 'این سرور به رمز دسترسی نیاز دارد: پیوندی را که `sanad view` چاپ می‌کند باز کنید (با ‎#token=… تمام می‌شود).',
    toolError: 'ابزار خطا گزارش داد:', cancelled: 'فراخوانی ابزار لغو شد.', nothing: 'در نتیجه استنادی برای نمایش نیست.',
    fullscreen: 'تمام‌صفحه',
  },
};
/** @type {keyof typeof LABELS} */
let uiLang = 'en';
let t = LABELS.en;

/** Direction of the labels (the page's chrome); article text takes its own. */
function uiDir() {
  return uiLang === 'en' ? 'ltr' : 'rtl';
}

/** The name of a language code in the user's language ("Arabic", "العربية", "عربی"). */
function languageName(/** @type {string} */ code) {
  try {
    return new Intl.DisplayNames([uiLang], { type: 'language' }).of(code) || code;
  } catch {
    return code;
  }
}

/** @param {string | undefined} locale */
function setLocale(locale) {
  const base = String(locale || '').toLowerCase().split(/[-_]/)[0];
  uiLang = base === 'ar' || base === 'fa' ? base : 'en';
  t = LABELS[uiLang];
  document.documentElement.lang = uiLang;
}
