// `sanad init [DIR]`: writes the sample corpus (the five reports the project ships) into a folder,
// so a first run outside a checkout has something to index and search. Never overwrites a file.
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, parseFlags } from './cli-args.ts';

const HELP = `usage: sanad init [DIR]

Writes the sample corpus (four Arabic and one Persian report of December 2025 on the Syrian
ministers' talks in Moscow) into DIR (default ./corpus), creating it if needed. Files already
there are kept; nothing is overwritten. It then prints the commands that index the folder, search
it and serve it to an MCP client (with the index next to the folder).`;

/** The sample articles: corpus/ of the package (next to dist/ and src/ alike). */
export const SAMPLE_CORPUS = fileURLToPath(new URL('../../corpus/', import.meta.url));

export const initCommand = {
  summary: 'write the sample corpus into a folder',
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, {});
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (positionals.length > 1) throw new CliError('give one folder (sanad init DIR)');
    const target = path.resolve(positionals[0] ?? 'corpus');
    const samples = (await readdir(SAMPLE_CORPUS)).filter((f) => f.endsWith('.txt')).sort();
    if (samples.length === 0) throw new CliError(`the sample corpus is missing from this installation (${SAMPLE_CORPUS})`, 1);
    await mkdir(target, { recursive: true });
    const present = new Set(await readdir(target));
    let written = 0;
    for (const name of samples) {
      if (present.has(name)) {
        console.error(`kept ${path.join(target, name)} (already there)`);
        continue;
      }
      await copyFile(path.join(SAMPLE_CORPUS, name), path.join(target, name));
      written++;
    }
    const index = path.join(path.dirname(target), 'index');
    console.error(
      [
        `wrote ${written} sample article${written === 1 ? '' : 's'} into ${target}`,
        'next:',
        `  npx sanad index --corpus ${quote(target)} --index ${quote(index)}`,
        `  npx sanad search "Which Russian bases does Moscow want to keep in Syria?" --index ${quote(index)}`,
        `  npx sanad serve --corpus ${quote(target)} --index ${quote(index)}   # what an MCP client runs`,
      ].join('\n'),
    );
    return 0;
  },
};

/** A path as a shell argument: quoted when it has spaces or shell characters. */
function quote(p: string): string {
  return /^[\w./:\\-]+$/u.test(p) ? p : `"${p.replace(/(["\\$`])/g, '\\$1')}"`;
}
