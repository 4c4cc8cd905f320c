import { fileURLToPath, URL } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const hostingEmulator = 'http://127.0.0.1:5000';

export default defineConfig({
  base: '/dashboard/',
  plugins: [react(), tailwindcss()],
  resolve: {
    alias: [
      // Zod without its eval-compiled parsers, which the dashboard's CSP refuses (see the module).
      { find: /^zod$/, replacement: fileURLToPath(new URL('./src/config/zod.ts', import.meta.url)) },
      { find: '@shared', replacement: fileURLToPath(new URL('./functions/src/shared', import.meta.url)) },
      { find: '@', replacement: fileURLToPath(new URL('./src', import.meta.url)) },
    ],
  },
  build: {
    outDir: 'dist/dashboard',
    emptyOutDir: true,
  },
  server: {
    // In development the API comes from the emulator suite, through Hosting's rewrites.
    proxy: {
      '/api': hostingEmulator,
      '/v1': hostingEmulator,
    },
  },
});
