// The package version, read from package.json (one level up from src/version.ts and dist/version.js alike).
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
  } catch {
    // Fall through: a missing version is not worth refusing to run.
  }
  return '0.0.0';
}
