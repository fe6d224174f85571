// `--format hf`: DIR/hf/, a folder to push to the Hugging Face Hub as is:
//   README.md                                           the dataset card (hf-dataset-card.ts)
//   data/sharegpt/{train,validation}-00000-of-00001.parquet   ShareGPT rows (hf-parquet.ts)
//   data/<openai format>/{train,validation}.jsonl       the OpenAI formats, as JSON Lines
// The valid rows of each requested format, split by thread (hf-split.ts). Rows with images are
// left out (their files are not in the folder). Rows are streamed into temporary JSONL files;
// Parquet is written at the end, one row group at a time; everything is renamed into place in the
// export's synchronous commit, like the other files.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from '../../version.js';
import type { RecordExport } from '../export-records.js';
import type { ExportFormat } from '../export-rows.js';
import type { ExportReport } from '../report.js';
import { datasetCard, type HfConfigSummary } from './hf-dataset-card.js';
import { shareGptJsonlToParquet } from './hf-parquet.js';
import { splitOfThread, type HfSplit } from './hf-split.js';
import { TempFile, tempPathFor } from './temp-file.js';

export interface HfOptions {
  /** Share of threads in the validation split, 0 to < 1 (default 0.1). */
  validationRatio: number;
  seed: number;
  /** Hub license id for the card; "" writes `unknown` with a note to fill it in. */
  license: string;
}

export const DEFAULT_HF: HfOptions = { validationRatio: 0.1, seed: 0, license: '' };
const SPLITS: readonly HfSplit[] = ['train', 'validation'];

interface Output {
  temp: TempFile;
  rows: number;
}

export class HfDatasetFolder {
  readonly dir: string;
  readonly #formats: ExportFormat[];
  readonly #options: HfOptions;
  readonly #outputs = new Map<string, Output>();
  /** The card, written at finish. */
  readonly #finals: TempFile[] = [];
  readonly #parquetTemps: Array<{ temp: string; final: string }> = [];
  readonly #models: Record<string, number> = {};
  readonly #domains: Record<string, number> = {};
  #firstAt: number | null = null;
  #lastAt: number | null = null;
  #withImages = 0;

  constructor(outDir: string, formats: readonly ExportFormat[], options: HfOptions) {
    this.dir = join(outDir, 'hf');
    this.#formats = [...formats];
    this.#options = options;
  }

  async ready(): Promise<void> {
    for (const format of this.#formats) {
      mkdirSync(join(this.dir, 'data', format), { recursive: true });
      for (const split of SPLITS) {
        const temp = new TempFile(join(this.dir, 'data', format, `${split}.jsonl`));
        this.#outputs.set(`${format}/${split}`, { temp, rows: 0 });
      }
    }
    await Promise.all([...this.#outputs.values()].map((output) => output.temp.ready()));
  }

  async add(item: RecordExport): Promise<void> {
    const split = splitOfThread(item.record.threadId, this.#options.seed, this.#options.validationRatio);
    let written = false;
    for (const row of item.rows) {
      if (!row.valid || row.row === null) continue;
      if (hasImages(row.row)) {
        if (row.format === this.#formats[0]) this.#withImages += 1;
        continue;
      }
      const output = this.#outputs.get(`${row.format}/${split}`);
      if (output === undefined) continue;
      await output.temp.write(`${JSON.stringify(row.row)}\n`);
      output.rows += 1;
      written = true;
    }
    if (!written) return;
    const model = item.record.model ?? 'unknown';
    this.#models[model] = (this.#models[model] ?? 0) + 1;
    this.#domains[item.record.domain] = (this.#domains[item.record.domain] ?? 0) + 1;
    this.#firstAt = Math.min(this.#firstAt ?? item.record.startedAt, item.record.startedAt);
    this.#lastAt = Math.max(this.#lastAt ?? item.record.startedAt, item.record.startedAt);
  }

  /** Closes the row files, writes Parquet and the card under temporary names. */
  async finish(report: ExportReport): Promise<void> {
    const configs: HfConfigSummary[] = [];
    for (const format of this.#formats) {
      const config: HfConfigSummary = { name: format, files: {}, fileType: format === 'sharegpt' ? 'parquet' : 'jsonl' };
      for (const split of SPLITS) {
        const output = this.#outputs.get(`${format}/${split}`)!;
        await output.temp.close();
        if (output.rows === 0) continue;
        if (format === 'sharegpt') {
          const name = `${split}-00000-of-00001.parquet`;
          const final = join(this.dir, 'data', format, name);
          const temp = tempPathFor(final);
          this.#parquetTemps.push({ temp, final });
          await shareGptJsonlToParquet(output.temp.tempPath, temp, `llm-proxy-sharegpt ${VERSION}`);
          config.files[split] = { path: `data/${format}/${name}`, rows: output.rows };
        } else {
          config.files[split] = { path: `data/${format}/${split}.jsonl`, rows: output.rows };
        }
      }
      if (Object.keys(config.files).length > 0) configs.push(config);
    }
    const card = new TempFile(join(this.dir, 'README.md'));
    this.#finals.push(card);
    await card.write(
      datasetCard(
        {
          configs,
          license: this.#options.license,
          validationRatio: this.#options.validationRatio,
          seed: this.#options.seed,
          models: this.#models,
          domains: this.#domains,
          firstAt: this.#firstAt,
          lastAt: this.#lastAt,
          withImagesLeftOut: this.#withImages,
          generator: `llm-proxy-sharegpt ${VERSION}`,
        },
        report,
      ),
    );
    await card.close();
  }

  /** Synchronous, part of the export's commit: stale data files of an earlier export go first. */
  commit(): void {
    const keep = new Set<string>();
    for (const [key, output] of this.#outputs) {
      if (output.rows > 0 && !key.startsWith('sharegpt/')) keep.add(output.temp.finalPath);
    }
    for (const { final } of this.#parquetTemps) keep.add(final);
    // A format an earlier export wrote and this one does not: its folder would be data without a config.
    for (const format of ['sharegpt', 'openai-messages', 'openai-ft'] as const) {
      if (!this.#formats.includes(format)) rmSync(join(this.dir, 'data', format), { recursive: true, force: true });
    }
    for (const format of this.#formats) {
      const dir = join(this.dir, 'data', format);
      for (const name of existsSync(dir) ? readdirSync(dir) : []) {
        const path = join(dir, name);
        if (!name.startsWith('.') && !keep.has(path)) rmSync(path, { force: true, recursive: true });
      }
    }
    for (const [key, output] of this.#outputs) {
      if (output.rows > 0 && !key.startsWith('sharegpt/')) output.temp.commit();
      else output.temp.discard();
    }
    for (const { temp, final } of this.#parquetTemps) renameSyncSafe(temp, final);
    for (const file of this.#finals) file.commit();
  }

  discard(): void {
    for (const output of this.#outputs.values()) output.temp.discard();
    for (const { temp } of this.#parquetTemps) rmSync(temp, { force: true });
    for (const file of this.#finals) file.discard();
  }
}

function renameSyncSafe(from: string, to: string): void {
  rmSync(to, { force: true });
  renameSync(from, to);
}

function hasImages(row: unknown): boolean {
  if (typeof row !== 'object' || row === null) return false;
  const images = (row as { images?: unknown }).images;
  if (Array.isArray(images) && images.length > 0) return true;
  const messages = (row as { messages?: unknown }).messages;
  return Array.isArray(messages) && messages.some((message) => Array.isArray((message as { content?: unknown }).content) &&
    ((message as { content: Array<{ type?: unknown }> }).content).some((part) => part.type === 'image_url'));
}
