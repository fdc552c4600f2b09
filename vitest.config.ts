import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests run the TypeScript sources directly, contracts included.
    alias: [
      { find: /^@huiliu\/contracts$/, replacement: fileURLToPath(new URL('./packages/contracts/src/index.ts', import.meta.url)) },
      // Subpaths (`@huiliu/contracts/markdown`…) are the zod-free modules browser bundles import.
      { find: /^@huiliu\/contracts\/([\w-]+)$/, replacement: fileURLToPath(new URL('./packages/contracts/src/$1.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    globalSetup: ['packages/server/test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
