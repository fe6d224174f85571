// Untrusted text as sanitized markdown (see render-markdown.ts); very long text as plain text.
// A remote image is a placeholder link until clicked; the click swaps in the image. The record's
// privacy findings are marked in the rendered text (Findings.tsx).
import { useMemo } from 'preact/hooks';
import { markHtml } from '../mark-findings.js';
import { MAX_MARKDOWN_CHARS, REMOTE_IMAGE_CLASS, renderMarkdown } from '../render-markdown.js';
import { MarkedText, useFindingNeedles } from './Findings.js';

function loadRemoteImage(event: MouseEvent): void {
  const target = event.target as Element | null;
  const link = target?.closest(`a.${REMOTE_IMAGE_CLASS}`) as HTMLAnchorElement | null;
  if (!link) return;
  event.preventDefault();
  const image = document.createElement('img');
  image.referrerPolicy = 'no-referrer';
  image.alt = link.title;
  // The href went through DOMPurify's https-only check for images (renderMarkdown).
  image.src = link.href;
  link.replaceWith(image);
}

export function Markdown({ text }: { text: string }) {
  const needles = useFindingNeedles();
  const html = useMemo(() => (text.length > MAX_MARKDOWN_CHARS ? null : markHtml(renderMarkdown(text), needles)), [text, needles]);
  if (html === null) {
    return (
      <pre class="plain-text">
        <MarkedText text={text} />
      </pre>
    );
  }
  return <div class="markdown" onClick={loadRemoteImage} dangerouslySetInnerHTML={{ __html: html }} />;
}
