// Untrusted text as sanitized markdown (see render-markdown.ts); very long text as plain text.
import { useMemo } from 'preact/hooks';
import { MAX_MARKDOWN_CHARS, renderMarkdown } from '../render-markdown.js';

export function Markdown({ text }: { text: string }) {
  const html = useMemo(() => (text.length > MAX_MARKDOWN_CHARS ? null : renderMarkdown(text)), [text]);
  if (html === null) return <pre class="plain-text">{text}</pre>;
  return <div class="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
