// HTML extraction on pathological markup at growing sizes: CPU milliseconds of extractHtmlText
// for 250 KB, 1 MB and 4 MB of each pattern, best of three. Linear extraction grows 4× per step;
// the regex-per-tag extractor it replaced took 4.5 s at 50 KB and 106 s at 200 KB of "<a".
//
//   flock /tmp/sanad-heavy.lock node --import tsx bench/html-linear.ts
import { extractHtmlText } from '../src/corpus/html.ts';

const PATTERNS: Record<string, string> = {
  'unterminated <a': '<a',
  'unterminated attribute quote': '<a href="x',
  'unterminated alt': '<img alt="',
  'nested dropped elements': '<nav>',
  'closing tags never opened': '</aside>',
  'text and inline tags': '<p>نص عربي <b>x</b> ',
};
const SIZES = [256 * 1024, 1024 * 1024, 4 * 1024 * 1024];

function cpuMs(run: () => void): number {
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const start = process.cpuUsage();
    run();
    const d = process.cpuUsage(start);
    best = Math.min(best, (d.user + d.system) / 1000);
  }
  return Math.round(best * 10) / 10;
}

const rows = Object.entries(PATTERNS).map(([name, unit]) => {
  const ms = SIZES.map((size) => {
    const html = unit.repeat(Math.ceil(size / unit.length));
    return cpuMs(() => extractHtmlText(html));
  });
  console.error(`${name}: ${ms.join(' / ')} ms CPU at 256 KB / 1 MB / 4 MB`);
  return { pattern: name, cpuMs: ms };
});
process.stdout.write(`${JSON.stringify({ sizes: SIZES, rows })}\n`);
