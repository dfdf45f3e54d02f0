// From file bytes to a SourceDocument, or a reason to skip the file. Pure: no file system.

import { createHash } from 'node:crypto';
import type { SkippedFile, SourceDocument } from '../types.ts';
import { extractHtmlText } from './html.ts';

/** How many leading bytes the binary check samples; enough to catch any real binary format. */
const BINARY_SAMPLE = 64 * 1024;
/** More control bytes than this share of the sample means the file is not text. */
const MAX_CONTROL_RATIO = 0.02;

export function isSkipped(x: SourceDocument | SkippedFile): x is SkippedFile {
  return 'reason' in x;
}

function skip(id: string, why: string, fix: string): SkippedFile {
  return { path: id, reason: `${id}: skipped, ${why}; ${fix}` };
}

/** Control bytes other than tab, line feed, vertical tab, form feed, carriage return, escape. */
function isControlByte(b: number): boolean {
  return (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0b && b !== 0x0c && b !== 0x0d && b !== 0x1b) || b === 0x7f;
}

/** Byte offset of the first byte that breaks UTF-8 (RFC 3629 rules), or -1 when valid. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = b === 0xe0 ? 0xa0 : 0x80; // no overlong forms
      if (b === 0xed) max = 0x9f; // no UTF-16 surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = b === 0xf0 ? 0x90 : 0x80;
      if (b === 0xf4) max = 0x8f; // nothing above U+10FFFF
    } else {
      return i;
    }
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      const lo = k === 1 ? min : 0x80;
      const hi = k === 1 ? max : 0xbf;
      if (c < lo || c > hi) return i;
    }
    i += need + 1;
  }
  return -1;
}

function extensionOf(id: string): string {
  const slash = id.lastIndexOf('/');
  const dot = id.lastIndexOf('.');
  return dot > slash ? id.slice(dot + 1).toLowerCase() : '';
}

/**
 * Decodes one corpus file. `id` is its path relative to the corpus folder (POSIX separators).
 * The UTF-8 BOM is removed; line endings are kept as written, because passage offsets index
 * into `text`. For .html/.htm, `text` is the readable text extracted from the markup.
 */
export function decodeSource(id: string, bytes: Uint8Array): SourceDocument | SkippedFile {
  if (bytes.length === 0) return skip(id, 'the file is empty', 'add article text or remove the file');

  const utf16 = utf16Encoding(bytes);
  let decoded: string;
  if (utf16) {
    // Text editors on Windows still save "Unicode" as UTF-16: read it rather than call it binary.
    try {
      decoded = new TextDecoder(utf16.encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return skip(id, `not valid ${utf16.name} (odd length or a broken surrogate pair)`, 're-save it as UTF-8 and re-index');
    }
    const controls = [...decoded.slice(0, BINARY_SAMPLE)].filter((ch) => isControlByte(ch.codePointAt(0) ?? 0)).length;
    if (controls / Math.min(decoded.length, BINARY_SAMPLE) > MAX_CONTROL_RATIO) {
      return skip(id, `binary content (${controls} control characters once read as ${utf16.name})`, TEXT_ONLY);
    }
  } else {
    const nul = bytes.indexOf(0);
    if (nul >= 0) return skip(id, `binary content (NUL byte at offset ${nul})`, TEXT_ONLY);
    const sampleEnd = Math.min(bytes.length, BINARY_SAMPLE);
    let control = 0;
    for (let i = 0; i < sampleEnd; i++) if (isControlByte(bytes[i] ?? 0)) control++;
    if (control / sampleEnd > MAX_CONTROL_RATIO) {
      return skip(id, `binary content (${control} control bytes in the first ${sampleEnd})`, TEXT_ONLY);
    }
    try {
      decoded = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      const at = firstInvalidUtf8Offset(bytes);
      return skip(id, `not valid UTF-8 (first bad byte at offset ${at})`, 're-save it as UTF-8 (e.g. iconv -f WINDOWS-1256 -t UTF-8) and re-index');
    }
  }
  const withoutBom = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  const ext = extensionOf(id);
  const text = ext === 'html' || ext === 'htm' ? extractHtmlText(withoutBom) : withoutBom;
  if (text.trim().length === 0) {
    const why = ext === 'html' || ext === 'htm' ? 'no readable text once markup, scripts and navigation are removed' : 'the file holds only whitespace';
    return skip(id, why, 'add article text or remove the file');
  }

  return {
    id,
    path: id,
    text,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
  };
}

const TEXT_ONLY = 'only UTF-8 (or UTF-16) .txt, .md and .html files are read; convert it or move it out of the corpus folder';

/**
 * Whether the bytes are UTF-16 text: a byte-order mark says so, or (no mark) the NUL bytes that
 * the high half of every ASCII space, digit and line break leaves all sit on one side of each
 * pair. Binary files have NULs on both sides; UTF-8 text has none.
 */
export function utf16Encoding(bytes: Uint8Array): { encoding: 'utf-16le' | 'utf-16be'; name: string } | null {
  const le = { encoding: 'utf-16le' as const, name: 'UTF-16 (little-endian)' };
  const be = { encoding: 'utf-16be' as const, name: 'UTF-16 (big-endian)' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return le;
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return be;
  if (bytes.length % 2 !== 0) return null;
  const sampleEnd = Math.min(bytes.length, BINARY_SAMPLE);
  let even = 0;
  let odd = 0;
  for (let i = 0; i < sampleEnd; i++) {
    if (bytes[i] !== 0) continue;
    if (i % 2 === 0) even++;
    else odd++;
  }
  // At least one NUL per 64 characters: a few stray NULs do not make a file text.
  const enough = sampleEnd / 128;
  if (even === 0 && odd >= enough) return le;
  if (odd === 0 && even >= enough) return be;
  return null;
}
