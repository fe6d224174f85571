// Export progress on stderr: a redrawn bar on a terminal, a plain line every few seconds
// otherwise (logs, CI), so a long export is never silent and never floods a log file.
import type { Writable } from 'node:stream';

export interface ProgressState {
  /** Records looked at (exported, collapsed or filtered out). */
  scanned: number;
  /** Upper bound on `scanned` (records matching the filter when the export started). */
  total: number;
  exported: number;
  valid: number;
  invalid: number;
}

export interface Progress {
  /** Plain mode: one line saying how many records there are to read. */
  start(total: number): void;
  update(state: ProgressState): void;
  /** Clears the bar (a terminal) so the summary starts on a clean line. */
  finish(): void;
}

export interface ProgressOptions {
  tty: boolean;
  /** Plain mode: at most one line per interval (default 5 s). */
  intervalMs?: number;
  now?: () => number;
}

const BAR_WIDTH = 28;
const TTY_REDRAW_MS = 100;

export function createProgress(out: Writable, options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const interval = options.tty ? TTY_REDRAW_MS : (options.intervalMs ?? 5_000);
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  const n = (value: number): string => value.toLocaleString('en-US');
  return {
    start(total) {
      if (options.tty) return;
      last = now();
      out.write(`export: ${n(total)} record(s) to read\n`);
    },
    update(state) {
      const time = now();
      if (time - last < interval) return;
      last = time;
      const fraction = state.total > 0 ? Math.min(1, state.scanned / state.total) : 0;
      const percent = `${Math.floor(fraction * 100)}%`;
      const counts = `${n(state.scanned)}/${n(state.total)} records, ${n(state.valid)} valid rows, ${n(state.invalid)} invalid`;
      if (options.tty) {
        const filled = Math.round(fraction * BAR_WIDTH);
        out.write(`\r\x1b[2Kexport [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${percent.padStart(4)} ${counts}`);
        drawn = true;
      } else {
        out.write(`export: ${percent} ${counts}\n`);
      }
    },
    finish() {
      if (drawn) out.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
