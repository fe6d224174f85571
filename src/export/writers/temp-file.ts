// A file written under a temporary name next to its final one and renamed into place only when the
// whole export succeeded: an interrupted export never leaves a half-written file under a final
// name (rename within one directory is atomic). Writes honour backpressure.
import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';

let sequence = 0;

/** `.<name>.<pid>-<n>.tmp` in the same directory: hidden, unique per process, never a final name. */
export function tempPathFor(finalPath: string): string {
  sequence += 1;
  return join(dirname(finalPath), `.${basename(finalPath)}.${process.pid}-${sequence}.tmp`);
}

export class TempFile {
  readonly finalPath: string;
  readonly tempPath: string;
  readonly #stream: WriteStream;
  #error: Error | null = null;
  #closed = false;

  constructor(finalPath: string) {
    this.finalPath = finalPath;
    this.tempPath = tempPathFor(finalPath);
    // `wx`: never clobber something that happens to have the temporary name.
    this.#stream = createWriteStream(this.tempPath, { flags: 'wx', encoding: 'utf8' });
    this.#stream.on('error', (error) => {
      this.#error ??= error;
    });
  }

  /** Resolves once the stream has opened (or rejects with why it could not, e.g. EACCES). */
  async ready(): Promise<void> {
    if (this.#error) throw this.#error;
    if (this.#stream.pending) await this.#until('ready');
  }

  async write(text: string): Promise<void> {
    if (this.#error) throw this.#error;
    if (!this.#stream.write(text)) await this.#until('drain');
  }

  /**
   * Waits for `event` or an error, removing both listeners either way: events.once() in a
   * Promise.race would leave one 'error' listener behind per drain (thousands on a big export).
   */
  #until(event: 'ready' | 'drain'): Promise<void> {
    return new Promise((resolve, reject) => {
      const onEvent = (): void => {
        this.#stream.off('error', onError);
        resolve();
      };
      const onError = (error: Error): void => {
        this.#stream.off(event, onEvent);
        reject(error);
      };
      this.#stream.once(event, onEvent);
      this.#stream.once('error', onError);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#error) throw this.#error;
    this.#stream.end();
    await once(this.#stream, 'close');
    if (this.#error) throw this.#error;
  }

  /** Synchronous on purpose: the commit phase must not yield to a signal handler half-way. */
  commit(): void {
    renameSync(this.tempPath, this.finalPath);
  }

  discard(): void {
    this.#closed = true;
    this.#stream.destroy();
    rmSync(this.tempPath, { force: true });
  }
}
