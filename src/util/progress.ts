// Progress for long work, on stderr only (stdout may carry the MCP protocol). A bar redrawn in
// place when stderr is a terminal; otherwise a plain line every few seconds, so logs stay short.

export interface Progress {
  update(done: number): void;
  finish(): void;
}

export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = Date.now();
  const tty = Boolean(stream.isTTY);
  let lastPrint = 0;
  let lastDone = 0;

  const render = (done: number): string => {
    const secs = (Date.now() - started) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 ? Math.max(0, (total - done) / rate) : NaN;
    const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
    const etaText = Number.isFinite(eta) ? `ETA ${formatSeconds(eta)}` : 'ETA —';
    const stats = `${done}/${total} ${label} (${rate.toFixed(1)}/s, ${etaText})`;
    if (!tty) return `${pct}% ${stats}`;
    const width = 24;
    const filled = Math.round((pct / 100) * width);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% ${stats}`;
  };

  return {
    update(done: number) {
      lastDone = done;
      const now = Date.now();
      if (tty) {
        if (now - lastPrint < 100 && done < total) return;
        stream.write(`\r${render(done)}\x1b[K`);
      } else {
        if (now - lastPrint < 3000 && done < total) return;
        stream.write(`${render(done)}\n`);
      }
      lastPrint = now;
    },
    finish() {
      if (tty) stream.write(`\r${render(lastDone)}\x1b[K\n`);
    },
  };
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}
