// The opaque cursor of listDocuments, the same for every backend: pages are "documents after this
// id" (ids sorted by code unit), so a cursor stays meaningful across a reindex.

export function encodeCursor(id: string): string {
  return Buffer.from(JSON.stringify({ after: id }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { after?: unknown }).after === 'string') {
      return (parsed as { after: string }).after;
    }
  } catch {
    // fall through to the error below
  }
  throw new RangeError('invalid cursor: pass back the nextCursor of the previous page unchanged');
}
