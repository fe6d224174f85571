// `hf`: the Hugging Face folder of a real export. The Parquet files read back with hyparquet equal
// the JSONL rows; splits are by thread (every record of a thread in one split, seeded, stable);
// the card's YAML header lists the configs, data files, features, license and size category.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import { makeTestRecord } from '../../store/test-records.js';
import type { ExportRowOptions } from '../export-rows.js';
import { runExport } from '../run-export.js';
import { sizeCategory } from './hf-dataset-card.js';
import { splitOfThread } from './hf-split.js';

const root = mkdtempSync(join(tmpdir(), 'hf-folder-'));
const dbPath = join(root, 'proxy.db');
const THREADS = 20;
const STEPS = 3;
const rows: ExportRowOptions = { formats: ['sharegpt', 'openai-messages'], filter: {}, status: 'all', threads: 'all' };
const hf = { validationRatio: 0.3, seed: 42, license: '' };

/** Thread t, step k: its own user text, linked to step k-1 of the same thread. */
const userText = (thread: number, step: number): string => `Thread ${thread} asks question number ${step} about the deployment.`;

async function readParquet(path: string): Promise<unknown[]> {
  const bytes = readFileSync(path);
  return parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
}

function lines(path: string): unknown[] {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as unknown);
}

const threadOf = (row: unknown): number => Number(/^Thread (\d+)/.exec((row as { conversations: Array<{ value: string }> }).conversations[0]!.value)![1]);

beforeAll(async () => {
  const store = openSqliteStore(dbPath);
  const records = [];
  for (let thread = 0; thread < THREADS; thread += 1) {
    for (let step = 0; step < STEPS; step += 1) {
      const seq = thread * STEPS + step;
      records.push(
        makeTestRecord(
          { seq, userText: userText(thread, step), parentKey: step === 0 ? null : `t${thread}-${step - 1}`, selfKey: `t${thread}-${step}` },
          { startedAt: 1_750_000_000_000 + seq * 60_000 },
        ),
      );
    }
  }
  await store.insertBatch(records);
  await store.close();
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('hf dataset folder', () => {
  it('writes Parquet that reads back as the JSONL rows, split by thread, and a card', async () => {
    const outDir = join(root, 'out');
    const { report, files } = await runExport({ dbPath, outDir, rows, hf });
    expect(files.map((file) => file.slice(outDir.length + 1))).toContain('hf/');
    expect(report.dedup?.groups).toBe(0);
    const dir = join(outDir, 'hf');
    expect(readdirSync(join(dir, 'data', 'sharegpt')).sort()).toEqual(['train-00000-of-00001.parquet', 'validation-00000-of-00001.parquet']);
    expect(readdirSync(join(dir, 'data', 'openai-messages')).sort()).toEqual(['train.jsonl', 'validation.jsonl']);
    expect(readdirSync(dir, { recursive: true }).map(String).filter((name) => name.includes('.tmp'))).toEqual([]);

    const train = await readParquet(join(dir, 'data', 'sharegpt', 'train-00000-of-00001.parquet'));
    const validation = await readParquet(join(dir, 'data', 'sharegpt', 'validation-00000-of-00001.parquet'));
    const jsonl = lines(join(outDir, 'sharegpt.jsonl'));
    expect(jsonl).toHaveLength(THREADS * STEPS);
    const sortKey = (row: unknown): string => JSON.stringify(row);
    expect([...train, ...validation].map(sortKey).sort()).toEqual(jsonl.map(sortKey).sort());

    // Every record of a thread in one split, the split the seeded hash says.
    const trainThreads = new Set(train.map(threadOf));
    const validationThreads = new Set(validation.map(threadOf));
    expect([...trainThreads].filter((thread) => validationThreads.has(thread))).toEqual([]);
    expect(trainThreads.size + validationThreads.size).toBe(THREADS);
    expect(validationThreads.size).toBeGreaterThan(0);
    for (const thread of validationThreads) expect(train.concat(validation).filter((row) => threadOf(row) === thread)).toHaveLength(STEPS);
    expect(validation).toHaveLength(validationThreads.size * STEPS);

    const openAiTrain = lines(join(dir, 'data', 'openai-messages', 'train.jsonl'));
    expect(openAiTrain).toHaveLength(train.length);

    const card = readFileSync(join(dir, 'README.md'), 'utf8');
    const header = card.slice(0, card.indexOf('\n---\n', 4));
    expect(card.startsWith('---\n')).toBe(true);
    expect(header).toContain('license: unknown');
    expect(header).toContain('size_categories:\n- n<1K');
    expect(header).toContain(
      '- config_name: sharegpt\n  default: true\n  data_files:\n  - split: train\n    path: data/sharegpt/train-00000-of-00001.parquet\n' +
        '  - split: validation\n    path: data/sharegpt/validation-00000-of-00001.parquet',
    );
    expect(header).toContain('- config_name: openai-messages\n  data_files:\n  - split: train\n    path: data/openai-messages/train.jsonl');
    expect(header).toContain('  - name: conversations\n    list:\n    - name: from\n      dtype: string');
    expect(header).toContain(`  - name: train\n    num_examples: ${train.length}\n  - name: validation\n    num_examples: ${validation.length}`);
    const body = card.slice(header.length);
    expect(body).toContain(`\`sharegpt\` (Parquet): ${train.length} train, ${validation.length} validation row(s).`);
    expect(body).toMatch(/Models: .*gpt-4o-mini \(\d+\)/);
    expect(body).toContain('api.openai.com');
    expect(body).toContain('Dates: 2025-06-15 to 2025-06-15 (UTC).');
    expect(body).toContain('policy `redact`');
  });

  it('gives the same split for the same seed and never puts one thread in both', () => {
    const ids = Array.from({ length: 2_000 }, (_, index) => `thread-${index}`);
    const first = ids.map((id) => splitOfThread(id, 7, 0.2));
    expect(ids.map((id) => splitOfThread(id, 7, 0.2))).toEqual(first);
    const share = first.filter((split) => split === 'validation').length / ids.length;
    expect(share).toBeGreaterThan(0.17);
    expect(share).toBeLessThan(0.23);
    expect(ids.map((id) => splitOfThread(id, 8, 0.2))).not.toEqual(first);
    expect(ids.every((id) => splitOfThread(id, 7, 0) === 'train')).toBe(true);
  });

  it('leaves out a split without rows and removes the files of an earlier export that are gone', async () => {
    const outDir = join(root, 'again');
    await runExport({ dbPath, outDir, rows, hf });
    expect(existsSync(join(outDir, 'hf', 'data', 'sharegpt', 'validation-00000-of-00001.parquet'))).toBe(true);
    await runExport({ dbPath, outDir, rows: { ...rows, formats: ['sharegpt'] }, hf: { ...hf, validationRatio: 0, license: 'cc-by-4.0' } });
    expect(readdirSync(join(outDir, 'hf', 'data'))).toEqual(['sharegpt']);
    expect(readdirSync(join(outDir, 'hf', 'data', 'sharegpt'))).toEqual(['train-00000-of-00001.parquet']);
    const card = readFileSync(join(outDir, 'hf', 'README.md'), 'utf8');
    expect(card).toContain('license: cc-by-4.0');
    expect(card).not.toContain('split: validation');
  });

  it('names the Hub size categories', () => {
    expect([0, 999, 1_000, 99_999, 100_000, 2_000_000].map(sizeCategory)).toEqual(['n<1K', 'n<1K', '1K<n<10K', '10K<n<100K', '100K<n<1M', '1M<n<10M']);
  });
});
