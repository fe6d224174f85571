// `llm-proxy-sharegpt rebuild`: re-derives stored ShareGPT rows after a converter upgrade.
import { parseArgs } from 'node:util';
import { rebuildDerived } from '../capture/rebuild-derived.js';
import { CONFIG_OPTION_HELP, DB_OPTION_HELP, openChosenStore, resolveDatabase } from './database-option.js';
import { CONVERTER_VERSION } from '../training/converter-version.js';
import { checkDatabasePath } from './check-database-path.js';

export const REBUILD_HELP = `Usage: llm-proxy-sharegpt rebuild [options]

Re-derives the ShareGPT row (and search text, turn count) of every record stored by an older
converter version, from the record's stored request and response. Human edits are kept.

Options:
  ${DB_OPTION_HELP}
  ${CONFIG_OPTION_HELP}
  --all         rebuild every record, not only those from older converter versions
  -h, --help    show this help
`;

export async function runRebuild(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { db: { type: 'string' }, config: { type: 'string' }, all: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(REBUILD_HELP);
    return;
  }
  const { database } = await resolveDatabase(values.db, values.config);
  if (database.backend === 'sqlite') checkDatabasePath(database.locator, { create: false, source: database.source });
  const store = await openChosenStore(database);
  try {
    const report = await rebuildDerived(store, {
      all: values.all,
      onProgress: (progress) => process.stderr.write(`rebuild: ${progress.read} read, ${progress.rebuilt} rebuilt\n`),
    });
    process.stdout.write(`rebuild: ${report.read} records read, ${report.rebuilt} rebuilt to converter version ${CONVERTER_VERSION}\n`);
  } finally {
    await store.close();
  }
}
