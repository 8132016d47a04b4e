import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { serviceWorkerPlugin } from './pwa/service-worker-plugin.ts';

export default defineConfig({
  // serviceWorkerPlugin: emits sw.js (the offline app shell) in production builds.
  plugins: [react(), serviceWorkerPlugin()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The admin panel is a lazy chunk; the chat shell is what every visitor loads first.
    reportCompressedSize: true,
  },
});
