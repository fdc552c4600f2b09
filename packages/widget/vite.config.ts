import { defaultClientConditions, defineConfig } from 'vite';

// One self-contained IIFE: the embed snippet loads exactly one file, with nothing else to fetch.
export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  // Shared code from @huiliu/contracts is bundled from its TypeScript source: no build of it needed first.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  // Library mode leaves process.env alone; no dependency may see "development" on a customer's site.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    lib: { entry: 'src/main.tsx', name: 'HuiliuWidget', formats: ['iife'], fileName: () => 'widget.js' },
    outDir: 'dist',
    emptyOutDir: true,
    // Syntax for browsers from about 2019 on (Safari 13, Chrome 80); the code sticks to ES2020 APIs.
    target: 'es2019',
    minify: 'esbuild',
    sourcemap: false,
    reportCompressedSize: false,
  },
});
