import { defineConfig } from 'vite';

// One self-contained IIFE: the embed snippet loads exactly one file.
export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    lib: { entry: 'src/main.tsx', name: 'HuiliuWidget', formats: ['iife'], fileName: () => 'widget.js' },
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2019',
    minify: 'esbuild',
    sourcemap: false,
  },
});
