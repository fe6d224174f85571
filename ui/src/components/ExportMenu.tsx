// Downloads the current filter's conversations as JSONL in one of the export formats (the valid
// rows; the export module repairs and validates them). A plain link: the browser downloads it.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiFilter, ExportFormatName } from '../../../src/admin/api-types.js';
import { api } from '../api.js';

const FORMATS: ReadonlyArray<{ format: ExportFormatName; label: string; hint: string }> = [
  { format: 'sharegpt', label: 'ShareGPT', hint: 'LLaMA-Factory' },
  { format: 'openai-messages', label: 'OpenAI messages', hint: 'Axolotl, HF chat templates' },
  { format: 'openai-ft', label: 'OpenAI fine-tuning', hint: 'the OpenAI fine-tuning API' },
];

export function ExportMenu({ filter, count }: { filter: ApiFilter; count: number | null }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  return (
    <div class="menu" ref={root}>
      <button type="button" class="button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>
        <svg viewBox="0 0 20 20" aria-hidden="true" class="icon">
          <path d="M10 3v10m0 0l-4-4m4 4l4-4M4 16h12" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
        </svg>
        Export
      </button>
      {open && (
        <div class="menu-popover" role="menu">
          <p class="menu-note">
            {count === null ? 'The' : count.toLocaleString()} conversation{count === 1 ? '' : 's'} matching the filter
            {filter.state ? ` (${filter.state})` : ''}, valid rows only, as JSONL:
          </p>
          {FORMATS.map(({ format, label, hint }) => (
            <a key={format} role="menuitem" class="menu-item" href={api.exportUrl(filter, format)} download onClick={() => setOpen(false)}>
              <strong>{label}</strong>
              <span class="muted">{hint}</span>
            </a>
          ))}
        </div>
      )}
    </div>
  );
}
