import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// The console is served by the Huiliu server at `/`; `npm run dev` proxies the API to a running server.
export default defineConfig({
  plugins: [react()],
  // Shared code from @huiliu/contracts is bundled from its TypeScript source: no build of it needed first.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        // Stable vendor chunks cache well across releases.
        manualChunks: (id) => {
          if (!id.includes('node_modules')) return undefined;
          if (/node_modules\/(react|react-dom|scheduler|react-router)\//.test(id)) return 'react';
          if (/node_modules\/(i18next|react-i18next|@tanstack)\//.test(id)) return 'data';
          if (/node_modules\/(socket\.io-client|engine\.io-client|socket\.io-parser|engine\.io-parser|@socket\.io)\//.test(id))
            return 'socket';
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/files': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
});
