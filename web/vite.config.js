// Builds the dashboard into web/dist (served by `nimbus serve` at / and /assets/*).
// `npm run dev:web` serves it with hot reload and proxies the APIs to a running platform.
const platform = process.env.NIMBUS_ENDPOINT ?? 'http://127.0.0.1:9000';

/** @type {import('vite').UserConfig} */
export default {
  root: import.meta.dirname,
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 300 },
  server: { proxy: { '/2015-03-31': platform, '/2021-10-31': platform, '/nimbus': platform } },
};
