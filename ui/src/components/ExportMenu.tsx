// Downloads the current filter's conversations as JSONL in one of the export formats (the valid
// rows; the export module repairs and validates them). As the CLI: confirmed records only unless
// the user picks another status, and it says beforehand what it will leave out and why (the
// export preview, computed by the export itself). A plain link: the browser downloads it.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiFilter, ExportFormatName } from '../../../src/admin/api-types.js';
import { api, type ExportStatus } from '../api.js';
import { useObservable } from '../observable.js';
import { exportPreview, exportStatus, refreshPreview, setExportStatus } from '../review-store.js';

const FORMATS: ReadonlyArray<{ format: ExportFormatName; label: string; hint: string }> = [
  { format: 'sharegpt', label: 'ShareGPT', hint: 'LLaMA-Factory' },
  { format: 'openai-messages', label: 'OpenAI messages', hint: 'Axolotl, HF chat templates' },
  { format: 'openai-ft', label: 'OpenAI fine-tuning', hint: 'the OpenAI fine-tuning API' },
];

const STATUSES: ReadonlyArray<[ExportStatus, string]> = [
  ['confirmed', 'Confirmed only'],
  ['all', 'Every state'],
  ['pending', 'Pending only'],
  ['rejected', 'Rejected only'],
];

function plural(count: number, word: string): string {
  return `${count.toLocaleString()} ${word}${count === 1 ? '' : 's'}`;
}

/** The header's one-line count of what the export keeps. */
export function ExportCount() {
  const preview = useObservable(exportPreview);
  if (preview === null) return null;
  const dropped = preview.dropped.reduce((sum, entry) => sum + entry.count, 0);
  return (
    <span class="export-count" title={`What an export of ${preview.status === 'all' ? 'every state' : preview.status} records keeps (ShareGPT)`}>
      exports <strong>{preview.rows.toLocaleString()}</strong>
      {dropped > 0 && <span class="export-count-dropped"> · {dropped.toLocaleString()} dropped</span>}
    </span>
  );
}

export function ExportMenu({ filter }: { filter: ApiFilter; count: number | null }) {
  const [open, setOpen] = useState(false);
  const status = useObservable(exportStatus);
  const preview = useObservable(exportPreview);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    void refreshPreview(0);
    const close = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  return (
    <div class="menu" ref={root}>
      <button type="button" class="button export-button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>
        <svg viewBox="0 0 20 20" aria-hidden="true" class="icon">
          <path d="M10 3v10m0 0l-4-4m4 4l4-4M4 16h12" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
        </svg>
        Export
      </button>
      {open && (
        <div class="menu-popover" role="menu">
          <label class="field export-status">
            <span>Records</span>
            <select name="exportStatus" value={status} onChange={(event) => setExportStatus(event.currentTarget.value as ExportStatus)}>
              {STATUSES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          {preview && (
            <div class="export-preview" aria-live="polite">
              <p class="menu-note">
                <strong>{plural(preview.rows, 'row')}</strong> from {plural(preview.records, 'record')} matching the filter
                {preview.status === 'all' ? '' : ` (${preview.status})`}, one per thread, as JSONL.
              </p>
              {(preview.dropped.length > 0 || preview.otherStates > 0 || preview.threadsCollapsed > 0) && (
                <ul class="export-left-out">
                  {preview.dropped.map((entry) => (
                    <li key={entry.code} data-code={entry.code}>
                      <strong>{plural(entry.count, 'row')} dropped</strong> <code>{entry.code}</code>: {entry.description}
                    </li>
                  ))}
                  {preview.otherStates > 0 && (
                    <li data-code="not-selected">
                      {plural(preview.otherStates, 'record')} left out: not {preview.status} (pick “Every state” to include them)
                    </li>
                  )}
                  {preview.threadsCollapsed > 0 && (
                    <li data-code="thread-collapsed">{plural(preview.threadsCollapsed, 'earlier step')} of threads left out (or failed tries that were retried): each thread is exported by the end of each of its branches</li>
                  )}
                </ul>
              )}
            </div>
          )}
          {FORMATS.map(({ format, label, hint }) => (
            <a key={format} role="menuitem" class="menu-item" href={api.exportUrl(filter, format, status)} download onClick={() => setOpen(false)}>
              <strong>{label}</strong>
              <span class="muted">{hint}</span>
            </a>
          ))}
        </div>
      )}
    </div>
  );
}
