// Runs the Store contract once per selected backend (STORE_BACKENDS=sqlite,postgres; default both
// when PostgreSQL is installed: see test/helpers/store-backends-env.ts). PostgreSQL runs against
// the test run's throwaway cluster (test/helpers/postgres-global-setup.ts), one database per file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { postgresBinDir } from '../../test/helpers/postgres-cluster.js';
import { createTestDatabase, truncateExchanges } from '../../test/helpers/postgres-test-database.js';
import { selectedBackends } from '../../test/helpers/store-backends-env.js';
import { openStore } from './open-store.js';
import { runStoreContract } from './store.contract.js';

for (const backend of selectedBackends(postgresBinDir() !== null)) {
  if (backend === 'sqlite') {
    const root = mkdtempSync(join(tmpdir(), 'store-contract-'));
    let counter = 0;
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    runStoreContract('sqlite', () => openStore(join(root, `run-${(counter += 1)}`, 'proxy.db')));
  } else {
    let url = '';
    beforeAll(async () => {
      url = await createTestDatabase('contract');
    });
    runStoreContract('postgres', async () => {
      const store = await openStore(url, { postgres: { poolSize: 4 } });
      await truncateExchanges(url);
      return store;
    });
  }
}
