// A JSON value, pretty-printed and highlighted (escaped by highlight.js, then sanitized).
import { useMemo } from 'preact/hooks';
import { highlightCode, MAX_HIGHLIGHT_CHARS } from '../highlight.js';
import { markHtml } from '../mark-findings.js';
import { sanitizeHtml } from '../render-markdown.js';
import { MarkedText, useFindingNeedles } from './Findings.js';

export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? String(value);
}

/** Pretty JSON when `text` parses, else the text as it is. */
export function prettyText(text: string): { text: string; json: boolean } {
  try {
    return { text: prettyJson(JSON.parse(text)), json: true };
  } catch {
    return { text, json: false };
  }
}

export function CodeBlock({ code, language, class: className }: { code: string; language: string; class?: string }) {
  const needles = useFindingNeedles();
  const html = useMemo(
    () => (code.length > MAX_HIGHLIGHT_CHARS ? null : markHtml(sanitizeHtml(highlightCode(code, language)), needles)),
    [code, language, needles],
  );
  return (
    <pre class={`code-block ${className ?? ''}`}>
      {html === null ? (
        <code>
          <MarkedText text={code} />
        </code>
      ) : (
        <code class="hljs" dangerouslySetInnerHTML={{ __html: html }} />
      )}
    </pre>
  );
}

export function JsonBlock({ value, class: className }: { value: unknown; class?: string }) {
  const code = useMemo(() => prettyJson(value), [value]);
  return <CodeBlock code={code} language="json" {...(className === undefined ? {} : { class: className })} />;
}
