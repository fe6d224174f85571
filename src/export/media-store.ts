// Saves the images of exported ShareGPT rows as files (formats.md 1.3-F, 5.1: LLaMA-Factory opens
// local paths, relative ones under its media_dir, which defaults to the dataset directory). A data
// URL's bytes go to media/<first two hex of sha256>/<sha256>.<ext>: the same image used by many
// rows is written once. Files are written into a temporary directory and moved under media/ only
// when the export succeeds. Remote URLs are not downloaded: those rows go to invalid.jsonl.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The raster formats PIL (what LLaMA-Factory opens images with) reads, by MIME type. */
const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/bmp': 'bmp',
  'image/tiff': 'tiff',
};

export class MediaStore {
  readonly #outDir: string;
  readonly #tempDir: string;
  #saved = 0;
  #created = false;

  constructor(outDir: string) {
    this.#outDir = outDir;
    this.#tempDir = join(outDir, `.media.${process.pid}.tmp`);
  }

  /** Distinct image files written by this export. */
  get saved(): number {
    return this.#saved;
  }

  /** The relative path to list in `images`, or why the image cannot be saved. */
  save(url: string): { path: string } | { error: string } {
    const decoded = decodeDataUrl(url);
    if ('error' in decoded) return decoded;
    const hash = createHash('sha256').update(decoded.bytes).digest('hex');
    const relative = `media/${hash.slice(0, 2)}/${hash}.${decoded.extension}`;
    if (existsSync(join(this.#outDir, relative))) return { path: relative };
    const temp = join(this.#tempDir, relative);
    if (!existsSync(temp)) {
      this.#created = true;
      mkdirSync(dirname(temp), { recursive: true });
      writeFileSync(temp, decoded.bytes);
      this.#saved += 1;
    }
    return { path: relative };
  }

  /** Moves the new files under DIR/media (synchronous, see TempFile.commit). */
  commit(): void {
    if (!this.#created) return;
    const root = join(this.#tempDir, 'media');
    for (const shard of readdirSync(root)) {
      const target = join(this.#outDir, 'media', shard);
      mkdirSync(target, { recursive: true });
      for (const file of readdirSync(join(root, shard))) {
        if (!existsSync(join(target, file))) renameSync(join(root, shard, file), join(target, file));
      }
    }
    rmSync(this.#tempDir, { recursive: true, force: true });
  }

  discard(): void {
    if (this.#created) rmSync(this.#tempDir, { recursive: true, force: true });
  }
}

export function decodeDataUrl(url: string): { bytes: Buffer; extension: string } | { error: string } {
  if (!url.startsWith('data:')) {
    const shown = url.length > 80 ? `${url.slice(0, 77)}...` : url;
    return { error: `${shown} is a remote URL; the export does not download images (save them as data URLs or files first)` };
  }
  const comma = url.indexOf(',');
  if (comma === -1) return { error: 'a data URL without a comma' };
  const header = url.slice(5, comma).split(';');
  const mime = (header[0] ?? '').trim().toLowerCase();
  const extension = EXTENSIONS[mime];
  if (extension === undefined) return { error: `a data URL of type "${mime || 'text/plain'}", not an image LLaMA-Factory can open` };
  const payload = url.slice(comma + 1);
  const bytes = header.includes('base64') ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'latin1');
  if (bytes.length === 0) return { error: 'an empty data URL' };
  return { bytes, extension };
}
