import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The admin panel is a lazy chunk; the chat shell is what every visitor loads first.
    reportCompressedSize: true,
  },
});
