import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One throwaway PostgreSQL cluster per run, when the postgres store backend is selected
    // (STORE_BACKENDS; see test/helpers/store-backends-env.ts).
    globalSetup: ['test/helpers/postgres-global-setup.ts'],
  },
});
