// run-export: the files an export writes, the images it saves, the report, and what it leaves
// behind when it is interrupted or cannot start (nothing under a final name, no database created).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { makeTestRecords } from '../store/test-records.js';
import { goldenRecords } from './__fixtures__/golden-exchanges.js';
import type { ExportRowOptions } from './export-rows.js';
import { ExportInterruptedError, ExportSetupError, runExport } from './run-export.js';

const root = mkdtempSync(join(tmpdir(), 'run-export-'));
const dbPath = join(root, 'data', 'proxy.db');
let counter = 0;
const nextOut = (): string => join(root, `out-${(counter += 1)}`);
const all: ExportRowOptions = { formats: ['sharegpt', 'openai-messages', 'openai-ft'], filter: {}, status: 'all', threads: 'all' };
const records = goldenRecords();
const nameOf = new Map(records.map(({ name, record }) => [record.id, name]));

function lines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function tempFilesIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).filter((name) => name.includes('.tmp')) : [];
}

beforeAll(async () => {
  const store = openSqliteStore(dbPath);
  await store.insertBatch(records.map(({ record }) => record));
  await store.insertBatch(makeTestRecords(40, 1_000));
  await store.close();
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('runExport', () => {
  it('writes every format, invalid.jsonl, dataset_info.json, report.json and the images, and no temporary file', async () => {
    const outDir = nextOut();
    const { report, files } = await runExport({ dbPath, outDir, rows: all, now: () => 1_756_000_000_000 });
    expect(readdirSync(outDir).sort()).toEqual(['dataset_info.json', 'invalid.jsonl', 'media', 'openai-ft.jsonl', 'openai-messages.jsonl', 'report.json', 'sharegpt.jsonl']);
    expect(files.map((file) => file.slice(outDir.length + 1))).toEqual([
      'sharegpt.jsonl',
      'openai-messages.jsonl',
      'openai-ft.jsonl',
      'invalid.jsonl',
      'dataset_info.json',
      'media/',
      'report.json',
    ]);
    expect(tempFilesIn(outDir)).toEqual([]);

    expect(JSON.parse(readFileSync(join(outDir, 'dataset_info.json'), 'utf8'))).toEqual({
      llm_proxy_sharegpt: {
        file_name: 'sharegpt.jsonl',
        formatting: 'sharegpt',
        columns: { messages: 'conversations', system: 'system', tools: 'tools', images: 'images' },
      },
    });

    const sharegpt = lines(join(outDir, 'sharegpt.jsonl'));
    const invalid = lines(join(outDir, 'invalid.jsonl'));
    const total = records.length + 40;
    expect(report.records.read).toBe(total);
    expect(sharegpt).toHaveLength(report.formats.sharegpt!.valid);
    expect(invalid).toHaveLength(report.formats.sharegpt!.invalid + report.formats['openai-messages']!.invalid + report.formats['openai-ft']!.invalid);
    expect(report.formats.sharegpt!.valid + report.formats.sharegpt!.invalid).toBe(total);

    // Images: data URLs saved once under media/, listed as relative paths; a remote URL rejects the row.
    const withImages = sharegpt.filter((row) => (row['images'] as string[]).length > 0);
    expect(withImages.length).toBe(2);
    for (const row of withImages) {
      for (const image of row['images'] as string[]) {
        expect(image).toMatch(/^media\/[0-9a-f]{2}\/[0-9a-f]{64}\.(png|jpg)$/);
        expect(existsSync(join(outDir, image))).toBe(true);
      }
    }
    const png = readFileSync(join(outDir, (withImages[0]!['images'] as string[])[0]!));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(report.images.saved).toBe(2);
    const gemini = invalid.find((line) => nameOf.get(line['id'] as string)?.startsWith('gemini recorded agent loop') && line['format'] === 'sharegpt');
    expect(gemini?.['reasons']).toEqual([
      {
        code: 'image-not-saved',
        message: 'images[1]: https://generativelanguage.googleapis.com/v1beta/files/abc123 is a remote URL; the export does not download images (save them as data URLs or files first)',
      },
    ]);

    // invalid.jsonl: id, format, every reason, and the row as it would have been written.
    const error = invalid.find((line) => nameOf.get(line['id'] as string) === 'openai-chat error' && line['format'] === 'openai-ft');
    expect(error).toMatchObject({ format: 'openai-ft', row: { messages: [{ role: 'user', content: 'Hello' }] } });
    expect((error?.['reasons'] as Array<{ code: string }>).map((reason) => reason.code)).toEqual(['exchange-error', 'no-final-answer', 'missing-assistant-message']);

    const written = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as typeof report;
    expect(written).toEqual(report);
    expect(report.formats.sharegpt).toMatchObject({ file: 'sharegpt.jsonl', invalidByReason: { 'exchange-error': 5, 'exchange-incomplete': 4, 'finish-length': 3 } });
    expect(report.formats.sharegpt!.content).toMatchObject({ withImages: 2 });
    expect(report.reasons['exchange-incomplete']).toMatch(/cut off/);
    expect(report.tokens?.recordsWithUsage).toBeGreaterThan(40);
    expect(report.startedAt).toBe('2025-08-24T01:46:40.000Z');
  });

  it('counts in each format what its file really contains (an openai-ft file holds no reasoning)', async () => {
    const outDir = nextOut();
    const { report } = await runExport({ dbPath, outDir, rows: all, now: () => 1_756_000_000_000 });
    const hasThink = (row: Record<string, unknown>): boolean =>
      (row['conversations'] as Array<{ from: string; value: string }>).some((turn) => turn.from !== 'human' && turn.value.includes('<think>'));
    const hasReasoningContent = (row: Record<string, unknown>): boolean =>
      (row['messages'] as Array<Record<string, unknown>>).some((message) => typeof message['reasoning_content'] === 'string');
    const sharegptWithReasoning = lines(join(outDir, 'sharegpt.jsonl')).filter(hasThink).length;
    const messagesWithReasoning = lines(join(outDir, 'openai-messages.jsonl')).filter(hasReasoningContent).length;
    expect(sharegptWithReasoning).toBeGreaterThan(0);
    expect(report.formats.sharegpt!.content.withReasoning).toBe(sharegptWithReasoning);
    expect(report.formats['openai-messages']!.content.withReasoning).toBe(messagesWithReasoning);
    expect(lines(join(outDir, 'openai-ft.jsonl')).filter(hasReasoningContent)).toEqual([]);
    expect(report.formats['openai-ft']!.content.withReasoning).toBe(0);
    const ftWithTools = lines(join(outDir, 'openai-ft.jsonl')).filter((row) =>
      (row['messages'] as Array<Record<string, unknown>>).some((message) => Array.isArray(message['tool_calls'])),
    ).length;
    expect(report.formats['openai-ft']!.content.withToolUse).toBe(ftWithTools);
  });

  it('writes each image once, however many rows use it, and keeps files an earlier export saved', async () => {
    const outDir = nextOut();
    const image = records.filter(({ name }) => name === 'openai-chat image (data URL)');
    const dbDir = mkdtempSync(join(root, 'dup-'));
    const store = openSqliteStore(join(dbDir, 'p.db'));
    await store.insertBatch([image[0]!.record, { ...image[0]!.record, id: `${image[0]!.record.id.slice(0, -1)}Z` }]);
    await store.close();
    // Two identical records on purpose: duplicate removal is off to see both rows use one file.
    const dedup = { mode: 'off', threshold: 0.8 } as const;
    const first = await runExport({ dbPath: join(dbDir, 'p.db'), outDir, rows: { ...all, formats: ['sharegpt'] }, dedup });
    expect(first.report.formats.sharegpt!.valid).toBe(2);
    expect(first.report.images.saved).toBe(1);
    const second = await runExport({ dbPath: join(dbDir, 'p.db'), outDir, rows: { ...all, formats: ['sharegpt'] }, dedup });
    expect(second.report.images.saved).toBe(0);
    expect(readdirSync(join(outDir, 'media'), { recursive: true }).filter((name) => String(name).endsWith('.png'))).toHaveLength(1);
  });

  it('with images skip, leaves rows with images out and writes no media', async () => {
    const outDir = nextOut();
    const { report } = await runExport({ dbPath, outDir, rows: { ...all, formats: ['sharegpt'] }, images: 'skip' });
    expect(existsSync(join(outDir, 'media'))).toBe(false);
    expect(report.formats.sharegpt!.invalidByReason['images-skipped']).toBe(5);
    expect(report.formats.sharegpt!.content.withImages).toBe(0);
  });

  it('replaces the files of an earlier export in the same directory', async () => {
    const outDir = nextOut();
    await runExport({ dbPath, outDir, rows: { ...all, formats: ['sharegpt'] } });
    const { report } = await runExport({ dbPath, outDir, rows: { ...all, formats: ['sharegpt'], limit: 3 } });
    expect(report.records.read).toBe(3);
    expect(lines(join(outDir, 'sharegpt.jsonl')).length + lines(join(outDir, 'invalid.jsonl')).length).toBe(3);
  });

  it('when interrupted, removes its temporary files and leaves no file under a final name', async () => {
    const outDir = nextOut();
    const controller = new AbortController();
    let updates = 0;
    const progress = {
      start: () => undefined,
      update: () => {
        updates += 1;
        if (updates === 10) controller.abort();
      },
      finish: () => undefined,
    };
    await expect(runExport({ dbPath, outDir, rows: all, signal: controller.signal, progress })).rejects.toBeInstanceOf(ExportInterruptedError);
    expect(updates).toBe(10);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('refuses a missing database without creating it, a file that is not SQLite, and an unwritable directory', async () => {
    const missing = join(root, 'nowhere', 'none.db');
    await expect(runExport({ dbPath: missing, outDir: nextOut(), rows: all })).rejects.toThrow(ExportSetupError);
    await expect(runExport({ dbPath: missing, outDir: nextOut(), rows: all })).rejects.toThrow(/no database at .*none\.db/);
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(join(root, 'nowhere'))).toBe(false);

    const text = join(root, 'notes.txt');
    writeFileSync(text, 'not a database');
    await expect(runExport({ dbPath: text, outDir: nextOut(), rows: all })).rejects.toThrow(/is not a SQLite database/);
    const empty = join(root, 'empty.db');
    writeFileSync(empty, '');
    await expect(runExport({ dbPath: empty, outDir: nextOut(), rows: all })).rejects.toThrow(/is not a SQLite database/);

    await expect(runExport({ dbPath, outDir: join(text, 'sub'), rows: all })).rejects.toThrow(/cannot create the output directory/);
  });
});

describe('progress', () => {
  it('prints a start line and then at most one plain line per interval when stderr is not a terminal', async () => {
    const { createProgress } = await import('./progress.js');
    let time = 0;
    let written = '';
    const out = { write: (text: string) => ((written += text), true) } as unknown as NodeJS.WritableStream;
    const progress = createProgress(out as never, { tty: false, intervalMs: 1_000, now: () => time });
    progress.start(10);
    progress.update({ scanned: 1, total: 10, exported: 1, valid: 1, invalid: 0 });
    time = 1_000;
    progress.update({ scanned: 5, total: 10, exported: 5, valid: 4, invalid: 1 });
    time = 1_500;
    progress.update({ scanned: 6, total: 10, exported: 6, valid: 5, invalid: 1 });
    progress.finish();
    expect(written).toBe('export: 10 record(s) to read\nexport: 50% 5/10 records, 4 valid rows, 1 invalid, 5 records/s, ETA 0:01\n');
  });

  it('says the rate since the start and the time left at that rate', async () => {
    const { createProgress } = await import('./progress.js');
    let time = 0;
    let written = '';
    const out = { write: (text: string) => ((written += text), true) } as unknown as NodeJS.WritableStream;
    const progress = createProgress(out as never, { tty: false, intervalMs: 1_000, now: () => time });
    progress.start(1_000_000);
    time = 20_000;
    progress.update({ scanned: 250_000, total: 1_000_000, exported: 1, valid: 1, invalid: 0 });
    time = 4_000_000;
    progress.update({ scanned: 500_000, total: 1_000_000, exported: 1, valid: 1, invalid: 0 });
    expect(written.split('\n').slice(1, 3)).toEqual([
      'export: 25% 250,000/1,000,000 records, 1 valid rows, 0 invalid, 12,500 records/s, ETA 1:00',
      'export: 50% 500,000/1,000,000 records, 1 valid rows, 0 invalid, 125 records/s, ETA 1:06:40',
    ]);
  });

  it('redraws one bar in place on a terminal and clears it at the end', async () => {
    const { createProgress } = await import('./progress.js');
    let written = '';
    const out = { write: (text: string) => ((written += text), true) } as unknown as NodeJS.WritableStream;
    const progress = createProgress(out as never, { tty: true, now: () => 1_000 });
    progress.start(4);
    progress.update({ scanned: 2, total: 4, exported: 2, valid: 2, invalid: 0 });
    progress.finish();
    expect(written).toBe(`\r\x1b[2Kexport [${'#'.repeat(14)}${'.'.repeat(14)}]  50% 2/4 records, 2 valid rows, 0 invalid\r\x1b[2K`);
  });
});
