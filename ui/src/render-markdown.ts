// Conversation text is untrusted (prompts and model output): it is rendered as markdown that can
// never execute anything.
// 1. marked turns markdown into HTML, with raw HTML in the text rendered as visible text (escaped),
//    never as markup;
// 2. DOMPurify then keeps only the tags and attributes markdown produces, drops every URL that is
//    not http(s)/mailto (links) or https/data:image (images), and removes event handlers, styles,
//    forms, frames, SVG and MathML;
// 3. the page's CSP (script-src 'self', no inline) stops anything that would still slip through.
// Code blocks are highlighted by highlight.js, whose output is escaped text in <span class>.
import DOMPurify from 'dompurify';
import { Marked, type Tokens } from 'marked';
import { escapeHtml } from './escape-html.js';
import { highlightCode } from './highlight.js';

/** An image source the page may load: an https URL or a data: URL of an image. */
export function isSafeImageSource(url: string): boolean {
  return /^https:\/\//iu.test(url) || isInlineImage(url);
}

/** A data: image is in the record itself: showing it tells no one anything. */
export function isInlineImage(url: string): boolean {
  return /^data:image\/[a-z0-9.+-]+[;,]/iu.test(url);
}

/** The host a remote image would be fetched from, for the click-to-load placeholder. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an unknown host';
  }
}

/** Class of the placeholder a remote markdown image becomes; Markdown.tsx swaps it for the image on a click. */
export const REMOTE_IMAGE_CLASS = 'remote-image';

const SAFE_LINK = /^(?:https?:|mailto:)/iu;

const marked = new Marked({
  gfm: true,
  // A single line break is a line break: the reviewer sees the text as it will be trained on (a haiku).
  breaks: true,
  async: false,
  renderer: {
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(text);
    },
    code({ text, lang }: Tokens.Code): string {
      const language = (lang ?? '').trim().split(/\s+/u)[0] ?? '';
      const highlighted = highlightCode(text, language);
      const label = language === '' ? '' : `<span class="code-lang">${escapeHtml(language)}</span>`;
      return `<pre class="code-block">${label}<code class="hljs">${highlighted}</code></pre>\n`;
    },
    image({ href, text }: Tokens.Image): string {
      if (!isSafeImageSource(href)) return `<span class="blocked">[image not shown: only https and data: images are loaded]</span>`;
      if (isInlineImage(href)) return `<img src="${escapeHtml(href)}" alt="${escapeHtml(text)}" loading="lazy" referrerpolicy="no-referrer">`;
      // A remote image is fetched only when the reviewer asks: opening a record must not tell a
      // third party that it is being read.
      return `<a class="${REMOTE_IMAGE_CLASS}" href="${escapeHtml(href)}" title="${escapeHtml(text || href)}">[image from ${escapeHtml(hostOf(href))}: click to load]</a>`;
    },
  },
});

const ALLOWED_TAGS = [
  'a', 'b', 'blockquote', 'br', 'code', 'del', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'input',
  'li', 'ol', 'p', 'pre', 's', 'span', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul',
];
const ALLOWED_ATTR = ['href', 'title', 'alt', 'src', 'class', 'start', 'align', 'loading', 'referrerpolicy', 'type', 'checked', 'disabled'];

let hooked = false;
function purifier(): typeof DOMPurify {
  if (!hooked) {
    hooked = true;
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        const href = node.getAttribute('href') ?? '';
        if (!SAFE_LINK.test(href)) node.removeAttribute('href');
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      } else if (node.tagName === 'IMG') {
        // Only inline images keep a source: a remote one is a click-to-load link (see the renderer).
        const src = node.getAttribute('src') ?? '';
        if (!isInlineImage(src)) node.removeAttribute('src');
        node.setAttribute('referrerpolicy', 'no-referrer');
        node.setAttribute('loading', 'lazy');
      } else if (node.tagName === 'INPUT' && node.getAttribute('type') !== 'checkbox') {
        node.remove();
      }
    });
  }
  return DOMPurify;
}

/** Sanitizes HTML we generated (markdown, highlighted code) before it reaches the DOM. */
export function sanitizeHtml(html: string): string {
  return purifier().sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|data:image\/[a-z0-9.+-]+[;,])/iu,
    FORBID_ATTR: ['style'],
    KEEP_CONTENT: true,
  });
}

/** Longest text rendered as markdown; longer text is shown as plain preformatted text. */
export const MAX_MARKDOWN_CHARS = 200_000;

export function renderMarkdown(text: string): string {
  return sanitizeHtml(marked.parse(text) as string);
}
