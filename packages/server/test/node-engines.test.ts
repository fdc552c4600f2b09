import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const rootManifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
// The oldest Node the README promises; every dependency must run on it, or `npm install` warns (EBADENGINE).
const oldestNode = semver.minVersion(rootManifest.engines.node)!.version;

type Engines = { node?: string } | string[] | undefined;
const nodeRange = (engines: Engines) => (engines && !Array.isArray(engines) ? engines.node : undefined);

/** Every package directory under a node_modules folder, nested ones included. */
function installedPackages(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      for (const scoped of readdirSync(full, { withFileTypes: true }))
        if (scoped.isDirectory())
          found.push(path.join(full, scoped.name), ...installedPackages(path.join(full, scoped.name, 'node_modules')));
    } else found.push(full, ...installedPackages(path.join(full, 'node_modules')));
  }
  return found;
}

describe('Node version support', () => {
  it(`the README and package.json agree on the oldest Node (${oldestNode})`, () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toContain(`Needs Node.js ≥ ${semver.major(oldestNode)}.${semver.minor(oldestNode)}`);
  });

  it('every package in the lockfile accepts the oldest supported Node', () => {
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; engines?: Engines }>;
    };
    const refusing = Object.entries(lock.packages)
      .filter(([, entry]) => nodeRange(entry.engines) && !semver.satisfies(oldestNode, nodeRange(entry.engines)!))
      .map(([where, entry]) => `${where}@${entry.version} wants node ${nodeRange(entry.engines)}`);
    expect(refusing).toEqual([]);
  });

  it('every installed package accepts the oldest supported Node', () => {
    const dirs = [root, ...['contracts', 'server', 'console', 'widget'].map((name) => path.join(root, 'packages', name))].flatMap((dir) =>
      installedPackages(path.join(dir, 'node_modules')),
    );
    expect(dirs.length).toBeGreaterThan(100);
    const refusing: string[] = [];
    for (const dir of dirs) {
      const manifestPath = path.join(dir, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { name?: string; version?: string; engines?: Engines };
      const range = nodeRange(manifest.engines);
      if (range && !semver.satisfies(oldestNode, range))
        refusing.push(`${path.relative(root, dir)}@${manifest.version} wants node ${range}`);
    }
    expect(refusing).toEqual([]);
  });
});
