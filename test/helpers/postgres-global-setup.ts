// vitest globalSetup: one throwaway PostgreSQL cluster per test run, shared by every test file
// through `inject('postgresUrl')` (each file creates its own database on it). Started only when
// the postgres backend is selected (see store-backends.ts) and the run may include a test that
// uses it, so a run of unrelated test files pays nothing.
import type { TestProject } from 'vitest/node';
import { type PostgresCluster, postgresBinDir, startPostgresCluster } from './postgres-cluster.js';
import { selectedBackends } from './store-backends-env.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the run's cluster (database `postgres`); '' when PostgreSQL is not selected. */
    postgresUrl: string;
  }
}

let cluster: PostgresCluster | null = null;

/** File filters on the command line that cannot include a PostgreSQL test: skip the cluster. */
function runMayUsePostgres(): boolean {
  const args = process.argv.slice(2);
  // Positional arguments are file filters; skip option values (`-t NAME`, `--reporter X`).
  const filters = args.filter(
    (arg, index) => !arg.startsWith('-') && arg !== 'run' && !(args[index - 1]?.startsWith('-') === true && !args[index - 1]!.includes('=')),
  );
  if (filters.length === 0) return true;
  return filters.some((filter) => /store|postgres|pg|migrate|e2e\/?$|test\/?$|src\/?$/iu.test(filter));
}

export async function setup(project: TestProject): Promise<void> {
  const backends = selectedBackends(postgresBinDir() !== null);
  if (!backends.includes('postgres') || !runMayUsePostgres()) {
    project.provide('postgresUrl', '');
    return;
  }
  cluster = await startPostgresCluster();
  project.provide('postgresUrl', cluster.url());
}

export async function teardown(): Promise<void> {
  await cluster?.destroy();
  cluster = null;
}
