import { it } from 'vitest';
import { rmSync } from 'node:fs';
import { runExport } from '../export/run-export.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { PLACES, seededRecord } from './__fixtures__/seeded-records.js';
import { seededPersonalData, seededSecrets } from './__fixtures__/seeded-values.js';
import { defaultPrivacyPolicy } from './privacy-policy.js';
it('manual', async () => {
  rmSync('/tmp/clean-exp/db', { recursive: true, force: true });
  const all = [...seededSecrets(3), ...seededPersonalData(3)];
  const store = openSqliteStore('/tmp/clean-exp/db/p.db');
  await store.insertBatch([...PLACES.map((place, i) => seededRecord({ seq: i + 1, values: { [place]: all }, topic: `service ${place}` })), seededRecord({ seq: 20, values: {}, topic: 'key', toolResult: all.find((v) => v.rule === 'private-key-json')!.text })]);
  await store.close();
  const r = await runExport({ dbPath: '/tmp/clean-exp/db/p.db', outDir: '/tmp/clean-exp/out', rows: { formats: ['sharegpt', 'openai-messages', 'openai-ft'], filter: {}, status: 'all', threads: 'all' }, privacy: { ...defaultPrivacyPolicy(), personal: { email: 'redact', phone: 'redact', ip: 'redact', credit_card: 'redact', iban: 'redact' } }, hf: { validationRatio: 0.3, seed: 1, license: '' } });
  console.log(JSON.stringify(r.report.dedup));
});
