// Export progress on stderr: a redrawn bar on a terminal, a plain line every few seconds
// otherwise (logs, CI), so a long export is never silent and never floods a log file. Both say
// the rate (records looked at per second since the start) and the time left at that rate.
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
  let startedAt: number | null = null;
  let drawn = false;
  const n = (value: number): string => value.toLocaleString('en-US');
  return {
    start(total) {
      startedAt = now();
      if (options.tty) return;
      last = startedAt;
      out.write(`export: ${n(total)} record(s) to read\n`);
    },
    update(state) {
      const time = now();
      if (time - last < interval) return;
      last = time;
      const fraction = state.total > 0 ? Math.min(1, state.scanned / state.total) : 0;
      const percent = `${Math.floor(fraction * 100)}%`;
      startedAt ??= time;
      const seconds = (time - startedAt) / 1000;
      const rate = seconds > 0 ? state.scanned / seconds : 0;
      const pace = rate > 0 ? `, ${n(Math.round(rate))} records/s, ETA ${duration(Math.max(0, state.total - state.scanned) / rate)}` : '';
      const counts = `${n(state.scanned)}/${n(state.total)} records, ${n(state.valid)} valid rows, ${n(state.invalid)} invalid${pace}`;
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

/** 75 -> "1:15", 3725 -> "1:02:05". */
function duration(seconds: number): string {
  const whole = Math.ceil(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = String(whole % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}
