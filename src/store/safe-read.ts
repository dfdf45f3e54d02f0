// Reading files of the index folder without trusting them. Everything named by the index itself
// (CURRENT, a manifest's list of data files) may have been crafted: a FIFO or /dev/zero as a
// manifest hangs a reader forever, a file name like "../../../dev/zero" walks out of the version
// folder, and a 10 MB CURRENT ends up echoed to clients. So files are opened without following a
// final link and without blocking, must be regular files, are read up to a stated size, and data
// file names are plain names inside their folder. Self-contained, for any store layout.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export class UnsafeIndexFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeIndexFileError';
  }
}

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** Opens `file` for reading if it is a regular file (not a link, FIFO, device or folder). */
export async function openRegular(file: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(file, OPEN_FLAGS);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new UnsafeIndexFileError(`${file} is a symbolic link, not an index file`);
    throw err;
  }
  const st = await handle.stat().catch(async (err: unknown) => {
    await handle.close();
    throw err;
  });
  if (!st.isFile()) {
    await handle.close();
    const kind = st.isFIFO() ? 'a named pipe (FIFO)' : st.isDirectory() ? 'a folder' : 'not a regular file';
    throw new UnsafeIndexFileError(`${file} is ${kind}, not an index file`);
  }
  return { handle, size: st.size };
}

/** The whole file, refusing anything that is not a regular file of at most `maxBytes`. */
export async function readRegularFile(file: string, maxBytes: number): Promise<Buffer> {
  const { handle, size } = await openRegular(file);
  try {
    if (size > maxBytes) throw new UnsafeIndexFileError(`${file} is ${size} bytes, more than the ${maxBytes} such a file can hold`);
    const buf = Buffer.alloc(size);
    let got = 0;
    while (got < size) {
      const { bytesRead } = await handle.read(buf, got, size - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  } finally {
    await handle.close();
  }
}

/** sha256 (hex) of a regular file, streamed. */
export async function sha256RegularFile(file: string): Promise<string> {
  const { handle } = await openRegular(file);
  try {
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let at = 0; ; ) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, at);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      at += bytesRead;
    }
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}

/** A data file name an index may list: one plain path component, no way out of its folder. */
export function isPlainFileName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name) && !name.includes('..');
}

/** A name from an untrusted file, fit to appear in a message: quoted, escaped, and cut when long. */
export function shownName(name: string): string {
  return JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name).replace(/[\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}
