// A dependency-free SVG line chart: log-scaled x (corpus size), one or two y axes, a few series.
// Enough for "latency and memory against N" without a plotting library or network fonts.

export interface Series {
  label: string;
  /** Which y axis: left or right. */
  axis: 'left' | 'right';
  points: Array<{ x: number; y: number }>;
  /** Dashed line for secondary series. */
  dashed?: boolean;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  leftLabel: string;
  rightLabel?: string;
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** "Nice" round tick values covering [0, max]. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag);
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if ((ticks.at(-1) ?? 0) < max) ticks.push(Number(((ticks.at(-1) ?? 0) + step).toPrecision(12)));
  return ticks;
}

function fmt(v: number): string {
  if (v >= 1e6) return `${v / 1e6}M`;
  if (v >= 1e3) return `${v / 1e3}k`;
  return String(v);
}

export function lineChart(series: readonly Series[], opts: ChartOptions): string {
  const width = opts.width ?? 720;
  const height = opts.height ?? 460;
  const columns = 2;
  const legendRows = Math.ceil(series.length / columns);
  const pad = { left: 70, right: opts.rightLabel ? 70 : 20, top: 40, bottom: 60 + legendRows * 18 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const xs = series.flatMap((s) => s.points.map((p) => p.x)).filter((x) => x > 0);
  if (xs.length === 0) throw new Error('lineChart needs at least one point with x > 0');
  const lx0 = Math.floor(Math.log10(Math.min(...xs)));
  const lx1 = Math.max(lx0 + 1, Math.ceil(Math.log10(Math.max(...xs))));
  const xPos = (x: number) => pad.left + ((Math.log10(x) - lx0) / (lx1 - lx0)) * plotW;
  const axisTicks = (axis: 'left' | 'right') => niceTicks(Math.max(0, ...series.filter((s) => s.axis === axis).flatMap((s) => s.points.map((p) => p.y))));
  const ticks = { left: axisTicks('left'), right: axisTicks('right') };
  const yPos = (axis: 'left' | 'right', y: number) => pad.top + plotH - (y / (ticks[axis].at(-1) ?? 1)) * plotH;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${esc(opts.title)}</text>`,
    `<rect x="${pad.left}" y="${pad.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
  ];
  for (let e = lx0; e <= lx1; e++) {
    const x = xPos(10 ** e);
    parts.push(`<line x1="${x}" y1="${pad.top}" x2="${x}" y2="${pad.top + plotH}" stroke="#eee"/>`);
    parts.push(`<text x="${x}" y="${pad.top + plotH + 16}" text-anchor="middle">${fmt(10 ** e)}</text>`);
  }
  for (const t of ticks.left) {
    const y = yPos('left', t);
    parts.push(`<line x1="${pad.left}" y1="${y}" x2="${pad.left + plotW}" y2="${y}" stroke="#eee"/>`);
    parts.push(`<text x="${pad.left - 6}" y="${y + 4}" text-anchor="end">${t}</text>`);
  }
  if (opts.rightLabel) {
    for (const t of ticks.right) parts.push(`<text x="${pad.left + plotW + 6}" y="${yPos('right', t) + 4}">${t}</text>`);
    parts.push(`<text transform="translate(${width - 16},${pad.top + plotH / 2}) rotate(90)" text-anchor="middle">${esc(opts.rightLabel)}</text>`);
  }
  parts.push(`<text x="${pad.left + plotW / 2}" y="${pad.top + plotH + 36}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  parts.push(`<text transform="translate(16,${pad.top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(opts.leftLabel)}</text>`);

  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length] ?? '#000';
    const pts = s.points.filter((p) => p.x > 0 && Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
    const d = pts.map((p, j) => `${j === 0 ? 'M' : 'L'}${xPos(p.x).toFixed(1)},${yPos(s.axis, p.y).toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    for (const p of pts) parts.push(`<circle cx="${xPos(p.x).toFixed(1)}" cy="${yPos(s.axis, p.y).toFixed(1)}" r="3" fill="${color}"/>`);
    const lx = pad.left + (i % columns) * (plotW / columns);
    const ly = pad.top + plotH + 58 + Math.floor(i / columns) * 18;
    parts.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 24}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    parts.push(`<text x="${lx + 30}" y="${ly}">${esc(`${s.label} (${s.axis})`)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
