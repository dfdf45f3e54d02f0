// Which characters may not appear in a document id. Ids are file paths, and every text rendering
// shows them to the model next to article text: a line break in a name would start a line that
// is not marked as quoted source, and a bidi override would reorder what follows it on screen.
// Such files are skipped with a reason (rename them); renderings escape these characters too, for
// ids that reach them another way (a client's input, an index built by an older version).

/**
 * Control characters (C0, DEL, C1 — NEL among them), line and paragraph separators, and the
 * bidi embedding, override and isolate controls. The bidi marks (LRM, RLM, ALM) and ZWNJ stay
 * allowed: they only nudge neighbouring characters, and Persian names use ZWNJ.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const UNSAFE_ID_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const UNSAFE_ID_CHARS_ALL = new RegExp(UNSAFE_ID_CHARS.source, 'gu');

function codePointName(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A description of the first character that may not be in an id ("a line break (U+000A)"), or null. */
export function unsafeNameCharacter(name: string): string | null {
  const m = UNSAFE_ID_CHARS.exec(name);
  if (!m) return null;
  const ch = m[0];
  const code = ch.codePointAt(0) ?? 0;
  const what =
    ch === '\n' || ch === '\r' || ch === '\u0085' || ch === '\u2028' || ch === '\u2029'
      ? 'a line break'
      : (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)
        ? 'a bidi control character'
        : 'a control character';
  return `${what} (${codePointName(ch)})`;
}

/** The id with every unsafe character written as a visible `\u{…}` escape. */
export function escapeUnsafeIdChars(id: string): string {
  return id.replace(UNSAFE_ID_CHARS_ALL, (ch) => `\\u{${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`);
}
