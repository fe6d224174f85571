// Highlighting the privacy findings of the record on screen. The detail answer gives each finding
// as a span (turn, field, start, end) of the row's texts, never the value: the page cuts the
// strings out of the text it already holds and looks for them in what it renders (markdown, pretty
// JSON, plain text), which shows a value in its own spelling or JSON-escaped. Matching runs over
// the concatenated text of an element, so a value split across highlight.js or markdown nodes is
// still marked, one <mark> per piece.
import type { ExchangeDetail, FindingSpan, ShareGptRow } from '../../src/admin/api-types.js';

export interface Needle {
  text: string;
  kind: string;
  /** The tooltip: what was found and by which rule. */
  label: string;
}

export interface MarkRange {
  start: number;
  end: number;
  needle: Needle;
}

const KIND_LABELS: Record<string, string> = {
  secret: 'Secret',
  email: 'E-mail address',
  phone: 'Phone number',
  ip: 'IP address',
  credit_card: 'Card number',
  iban: 'IBAN',
};

export function findingLabel(kind: string, rule: string): string {
  const label = KIND_LABELS[kind] ?? kind;
  return kind === 'secret' ? `${label} (${rule}): redacted by the export` : `${label}: personal data`;
}

function placeText(row: ShareGptRow, span: FindingSpan): string | undefined {
  if (span.turn === null) return span.field === 'system' ? row.system : span.field === 'tools' ? row.tools : undefined;
  return row.conversations[span.turn]?.value;
}

/** The strings to look for, in every spelling the page may show them in, longest first. */
export function needlesOf(detail: Pick<ExchangeDetail, 'privacy' | 'sharegpt' | 'editedSharegpt'>): Needle[] {
  const row = detail.editedSharegpt ?? detail.sharegpt;
  if (row === null) return [];
  const needles = new Map<string, Needle>();
  const add = (text: string, span: FindingSpan) => {
    if (text.length >= 2 && !needles.has(text)) needles.set(text, { text, kind: span.kind, label: findingLabel(span.kind, span.rule) });
  };
  for (const span of detail.privacy.spans) {
    const text = placeText(row, span)?.slice(span.start, span.end);
    if (text === undefined) continue;
    add(text, span);
    // A value cut from JSON is shown unescaped in text and re-escaped in pretty JSON.
    try {
      const plain = JSON.parse(`"${text}"`) as unknown;
      if (typeof plain === 'string') {
        add(plain, span);
        add(JSON.stringify(plain).slice(1, -1), span);
      }
    } catch {
      add(JSON.stringify(text).slice(1, -1), span);
    }
  }
  return [...needles.values()].sort((a, b) => b.text.length - a.text.length);
}

/** Non-overlapping occurrences, longest needle first, in text order. */
export function findRanges(text: string, needles: readonly Needle[]): MarkRange[] {
  const ranges: MarkRange[] = [];
  for (const needle of needles) {
    for (let start = text.indexOf(needle.text); start !== -1; start = text.indexOf(needle.text, start + needle.text.length)) {
      const end = start + needle.text.length;
      if (ranges.some((range) => range.start < end && start < range.end)) continue;
      ranges.push({ start, end, needle });
    }
  }
  return ranges.sort((a, b) => a.start - b.start);
}

function markElement(text: string, needle: Needle): HTMLElement {
  const mark = document.createElement('mark');
  mark.className = `finding finding-${needle.kind === 'secret' ? 'secret' : 'personal'}`;
  mark.title = needle.label;
  mark.dataset['kind'] = needle.kind;
  mark.textContent = text;
  return mark;
}

/** Wraps every occurrence under `root` in <mark> elements (text set as text, never parsed). */
export function markTextNodes(root: Node, needles: readonly Needle[]): void {
  if (needles.length === 0) return;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  const starts: number[] = [];
  let full = '';
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    nodes.push(node as Text);
    starts.push(full.length);
    full += (node as Text).data;
  }
  const ranges = findRanges(full, needles);
  if (ranges.length === 0) return;
  nodes.forEach((node, index) => {
    const nodeStart = starts[index]!;
    const nodeEnd = nodeStart + node.data.length;
    const pieces = ranges.filter((range) => range.start < nodeEnd && nodeStart < range.end);
    if (pieces.length === 0) return;
    const fragment = document.createDocumentFragment();
    let cursor = 0;
    for (const range of pieces) {
      const from = Math.max(range.start, nodeStart) - nodeStart;
      const to = Math.min(range.end, nodeEnd) - nodeStart;
      if (from > cursor) fragment.append(node.data.slice(cursor, from));
      fragment.append(markElement(node.data.slice(from, to), range.needle));
      cursor = to;
    }
    if (cursor < node.data.length) fragment.append(node.data.slice(cursor));
    node.replaceWith(fragment);
  });
}

/** Sanitized HTML with the findings marked (the input is already sanitized; marks carry text only). */
export function markHtml(html: string, needles: readonly Needle[]): string {
  // The sanitized HTML is left byte for byte as it is unless a value may be in it (one with
  // characters HTML escapes is always looked for in the parsed text).
  if (!needles.some((needle) => /[&<>"']/u.test(needle.text) || html.includes(needle.text))) return html;
  const template = document.createElement('template');
  template.innerHTML = html;
  markTextNodes(template.content, needles);
  return template.innerHTML;
}
