// The XSS corpus in a real browser: records whose prompts, answers, reasoning, tool calls, tool
// results, system prompt, tool schemas, image URLs, errors and raw bodies carry script (`<script>`,
// `<img onerror>`, `javascript:` links, SVG payloads, markdown HTML, mXSS). Every view that shows
// them is opened, every collapsible expanded, every element hovered; nothing may run (no window
// flag, no dialog, no CSP violation, no request to anywhere else), and the DOM holds no handler,
// script URL or active element that came from the data.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, launchChromium, runBrowserTests } from '../helpers/browser.js';
import { ensureUiBuilt } from '../helpers/ensure-ui-built.js';
import { XSS_PAYLOADS, reviewRecords, xssRecords } from '../helpers/review-records.js';
import { startTestAdmin, type TestAdmin } from '../helpers/start-admin.js';

const corpus = xssRecords();

interface Observed {
  xss: unknown;
  violations: string[];
}

describe.skipIf(!runBrowserTests)('review UI: conversation text never executes', () => {
  let browser: Browser;
  let admin: TestAdmin;
  let page: Page;
  const dialogs: string[] = [];
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const uiDir = await ensureUiBuilt();
    browser = await launchChromium();
    admin = await startTestAdmin({ records: [...reviewRecords(), ...corpus], uiDir });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Before any page script: record CSP violations the browser reports.
    await context.addInitScript(() => {
      const scope = globalThis as unknown as { __violations: string[]; document: { addEventListener: (type: string, listener: (event: { violatedDirective: string; blockedURI: string }) => void) => void } };
      scope.__violations = [];
      scope.document.addEventListener('securitypolicyviolation', (event) => scope.__violations.push(`${event.violatedDirective} ${event.blockedURI}`));
    });
    page = await context.newPage();
    page.setDefaultTimeout(8_000);
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(admin.url) && !url.startsWith('data:')) foreignRequests.push(url);
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await admin?.close();
  });

  async function observed(): Promise<Observed> {
    return page.evaluate(() => {
      const scope = globalThis as unknown as { __xss?: unknown; __violations: string[] };
      return { xss: scope.__xss, violations: scope.__violations };
    });
  }

  /** Everything in the app's DOM that could run script or navigate somewhere it should not. */
  async function dangerousDom(): Promise<string[]> {
    return page.evaluate(() => {
      const found: string[] = [];
      const root = (globalThis as unknown as { document: { querySelector(selector: string): { querySelectorAll(selector: string): ArrayLike<{ tagName: string; attributes: ArrayLike<{ name: string; value: string }>; getAttribute(name: string): string | null }> } } }).document.querySelector('#app')!;
      const all = Array.from(root.querySelectorAll('*'));
      for (const element of all) {
        const tag = element.tagName.toLowerCase();
        if (['script', 'iframe', 'object', 'embed', 'form', 'meta', 'base', 'link', 'style', 'math', 'frame'].includes(tag)) found.push(`element <${tag}>`);
        for (const attribute of Array.from(element.attributes)) {
          if (attribute.name.toLowerCase().startsWith('on')) found.push(`handler ${attribute.name} on <${tag}>`);
          if (attribute.name === 'style' && tag !== 'textarea') found.push(`style attribute on <${tag}>`);
          if (/^\s*(javascript|vbscript|data:text)/iu.test(attribute.value) && ['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(attribute.name)) {
            found.push(`${attribute.name}=${attribute.value.slice(0, 40)} on <${tag}>`);
          }
        }
        if (tag === 'a') {
          const href = element.getAttribute('href');
          if (href !== null && !/^(https?:|mailto:|#)/iu.test(href)) found.push(`link ${href.slice(0, 40)}`);
        }
        if (tag === 'img') {
          const src = element.getAttribute('src') ?? '';
          if (!/^(https:|data:image\/)/iu.test(src)) found.push(`image ${src.slice(0, 40)}`);
        }
      }
      return found;
    });
  }

  it('shows the corpus in the list as text', async () => {
    await page.goto(`${admin.url}/#/?q=xsscorpus`);
    await page.locator('tr.row').first().waitFor();
    await expect.poll(() => page.locator('tr.row').count()).toBe(corpus.length);
    const text = await page.locator('.list-table').textContent();
    expect(text).toContain('<script>window.__xss = "script"');
    for (const row of await page.locator('tr.row').all()) await row.hover();
    expect(await observed()).toEqual({ xss: undefined, violations: [] });
    expect(await dangerousDom()).toEqual([]);
    // Last: a screenshot styles the page's inputs (Playwright hides the caret with a style attribute).
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'ui-xss-list.png'), fullPage: true });
    await page.reload();
  });

  it('opens every record, expands everything, shows raw bodies, and nothing runs', async () => {
    for (const [index, record] of corpus.entries()) {
      await page.goto(`${admin.url}/#/c/${record.id}`);
      await page.locator('.turn').first().waitFor();
      // Expand reasoning and tools, hover every turn, then the raw tabs.
      for (const summary of await page.locator('details summary').all()) await summary.click();
      for (const turn of await page.locator('.turn').all()) await turn.hover();
      const payload = XSS_PAYLOADS[index]!;
      // Shown, as text: the human turn holds the payload's characters verbatim, or its markdown rendering.
      expect(await page.locator('.turn-human').textContent()).toContain('xsscorpus human');
      expect(await page.locator('.tools').textContent()).toContain(JSON.stringify(payload).slice(1, 20));
      expect(await dangerousDom(), `record ${index}: ${payload}`).toEqual([]);
      await page.getByRole('tab', { name: 'Raw request' }).click();
      await page.locator('.raw').waitFor();
      await page.getByRole('tab', { name: 'Raw response' }).click();
      expect(await page.locator('.raw').textContent()).toContain(payload.slice(0, 12));
      expect(await dangerousDom(), `record ${index} raw: ${payload}`).toEqual([]);
      // Edit mode puts the value in a textarea (as text, never parsed).
      await page.getByRole('tab', { name: 'Conversation' }).click();
      await page.locator('.turn-gpt').hover();
      await page.locator('.turn-gpt').getByRole('button', { name: /Edit turn/ }).click();
      expect(await page.locator('textarea.editor').inputValue()).toContain(payload);
      await page.getByRole('button', { name: 'Cancel' }).click();
      expect(await observed(), `record ${index}: ${payload}`).toEqual({ xss: undefined, violations: [] });
    }
    await page.goto(`${admin.url}/#/c/${corpus[0]!.id}`);
    await page.locator('.turn').first().waitFor();
    for (const summary of await page.locator('details summary').all()) await summary.click();
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'ui-xss-conversation.png'), fullPage: true });
    expect(dialogs).toEqual([]);
    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('renders raw HTML in markdown as visible text, and drops unsafe links and images', async () => {
    const script = corpus[0]!;
    await page.goto(`${admin.url}/#/c/${script.id}`);
    await page.locator('.turn-gpt').waitFor();
    expect(await page.locator('.turn-gpt .turn-body > .markdown').textContent()).toContain('<script>window.__xss = "script"; alert("script")</script>');
    // index 0's human turn carries an image whose URL is javascript: — shown as a placeholder.
    expect(await page.locator('.turn-human .image-missing').textContent()).toContain('not shown');

    const link = corpus[2]!; // [click me](javascript:...)
    await page.goto(`${admin.url}/#/c/${link.id}`);
    const anchor = page.locator('.turn-gpt .turn-body > .markdown a', { hasText: 'click me' });
    await anchor.waitFor();
    expect(await anchor.getAttribute('href')).toBeNull();
    await anchor.click();
    const svg = corpus[8]!; // ![svg](data:image/svg+xml;base64,... onload ...)
    await page.goto(`${admin.url}/#/c/${svg.id}`);
    await page.locator('.turn-gpt img').first().waitFor({ state: 'attached' });
    for (const summary of await page.locator('details summary').all()) await summary.click();
    const image = page.locator('.turn-gpt .turn-body > .markdown img');
    await image.waitFor();
    // It loads (as an image: its onload attribute is inert inside <img>).
    await expect.poll(() => image.evaluate((element) => (element as unknown as { complete: boolean }).complete)).toBe(true);
    expect(await observed()).toEqual({ xss: undefined, violations: [] });
    expect(dialogs).toEqual([]);
  });

  it('serves the page with a strict Content-Security-Policy and security headers', async () => {
    const response = await page.goto(`${admin.url}/`);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['referrer-policy']).toBe('no-referrer');
    // The page itself has no inline script: every <script> has a same-origin src.
    const scripts = await page.evaluate(() =>
      Array.from((globalThis as unknown as { document: { scripts: ArrayLike<{ src: string; textContent: string | null }> } }).document.scripts).map((script) => ({
        src: script.src,
        inline: (script.textContent ?? '').trim().length,
      })),
    );
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      expect(script.src.startsWith(`${admin.url}/assets/`)).toBe(true);
      expect(script.inline).toBe(0);
    }
  });
});
