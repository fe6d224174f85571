// The review UI for whole sessions, in real headless Chromium against a real admin server and
// SQLite file seeded with records built the way the proxy records them: the thread list and its
// steps, the trajectory, export badges and the exportable filter, one-key review with undo, line
// breaks, an errored exchange, an edit refused at save, and the 390 px layout (screenshots in
// test-artifacts/).
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, launchChromium, runBrowserTests } from '../helpers/browser.js';
import { ensureUiBuilt } from '../helpers/ensure-ui-built.js';
import { startTestAdmin, type TestAdmin } from '../helpers/start-admin.js';
import { threadRecords } from '../helpers/thread-records.js';

const records = threadRecords();
const id = (label: string): string => records.find((record) => record.label === label)!.id;

describe.skipIf(!runBrowserTests)('review UI: threads, export verdicts, fast hands', () => {
  let browser: Browser;
  let uiDir: string;
  let admin: TestAdmin;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    uiDir = await ensureUiBuilt();
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    admin = await startTestAdmin({ records, uiDir });
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(8_000);
    problems = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // A refused edit is an expected 400 in this file; everything else is a problem.
      if (message.type() === 'error' && !message.text().includes('400')) problems.push(`console: ${message.text()}`);
    });
  });

  afterEach(async () => {
    await context?.close();
    await admin?.close();
  });

  const rowIds = () => page.locator('tr.row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')));

  async function openList(hash = '#/'): Promise<void> {
    await page.goto(`${admin.url}/${hash}`);
    await page.locator('tr.row').first().waitFor();
  }

  it('groups the session into one row headed by its exported record, expandable to its steps (screenshot: ui-threads.png)', async () => {
    await openList();
    expect(await rowIds()).toEqual([id('error'), id('length'), id('haiku'), id('step-3b')]);
    await expect.poll(() => page.locator('.toolbar-count .total').textContent()).toBe('4 conversations');
    const session = page.locator(`tr.row[data-id="${id('step-3b')}"]`);
    expect(await session.locator('.step-count').textContent()).toBe('4 steps');
    expect(await session.locator('.tag-branch').textContent()).toBe('2 branches');
    await session.locator('.expand-button').click();
    const steps = page.locator('tr.step-row');
    await expect.poll(() => steps.count()).toBe(4);
    expect(await steps.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')))).toEqual([id('step-1'), id('step-2'), id('step-3'), id('step-3b')]);
    expect(await steps.nth(0).textContent()).toContain('first request');
    expect(await steps.nth(3).textContent()).toContain('continues step 2');
    expect(await steps.nth(3).locator('.tag-exported').count()).toBe(1);
    expect(await steps.nth(2).locator('.tag-branch').textContent()).toBe('branch end');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'ui-threads.png'), fullPage: true });

    // The toggle shows single requests.
    await page.getByRole('button', { name: 'Requests', exact: true }).click();
    await expect.poll(rowIds).toEqual(records.map((record) => record.id).reverse());
    await expect.poll(() => page.locator('.toolbar-count .total').textContent()).toBe('7 requests');
    expect(page.url()).toContain('view=requests');
    expect(problems).toEqual([]);
  });

  it('confirms a thread by confirming every record the export keeps for it (both branch ends), and says so', async () => {
    await openList();
    await page.locator(`tr.row[data-id="${id('step-3b')}"]`).click({ position: { x: 5, y: 5 } });
    await page.locator('.review-bar').waitFor();
    await page.getByRole('button', { name: /Confirm/ }).first().click();
    await expect.poll(async () => (await admin.store.get(id('step-3b')))?.reviewState).toBe('confirmed');
    await expect.poll(async () => (await admin.store.get(id('step-3')))?.reviewState).toBe('confirmed');
    // The inner steps are not exported on their own: left as they were.
    expect((await admin.store.get(id('step-2')))?.reviewState).toBe('pending');
    await expect.poll(() => page.locator('.toast').allTextContents()).toContainEqual(expect.stringContaining("thread's 2 exported records"));
  });

  it('shows the trajectory of a thread with timing, tokens and where each request continued', async () => {
    await page.goto(`${admin.url}/#/c/${id('step-3')}`);
    const trajectory = page.locator('.trajectory');
    await trajectory.waitFor();
    expect(await trajectory.locator('summary').textContent()).toContain('Thread: 4 requests · 2 branches');
    const steps = trajectory.locator('.trajectory-step');
    expect(await steps.count()).toBe(4);
    expect(await steps.nth(2).getAttribute('class')).toContain('current');
    expect(await steps.nth(2).textContent()).toMatch(/continues 2.*\+2 turns/u);
    expect(await steps.nth(1).locator('.step-tokens').textContent()).toBe('52 → 12');
    // Times with seconds.
    expect(await steps.nth(0).locator('.step-time').textContent()).toMatch(/\d{1,2}:\d{2}:\d{2}/u);
    expect(await steps.nth(3).locator('.tag-exported').count()).toBe(1);
    await steps.nth(1).locator('a').click();
    await expect.poll(() => page.url()).toContain(`#/c/${id('step-2')}`);
    expect(problems).toEqual([]);
  });

  it('shows whether each row exports and why not, filters on it, and counts it in the header', async () => {
    await openList();
    const badge = (label: string) => page.locator(`tr.row[data-id="${id(label)}"] .export-badge`);
    expect(await badge('haiku').textContent()).toBe('✓ exports');
    expect(await badge('length').textContent()).toBe('✕ finish-length');
    expect(await badge('length').getAttribute('title')).toContain('token limit');
    expect(await badge('error').textContent()).toBe('✕ exchange-error');
    // Nothing is confirmed yet: the export (confirmed only) writes nothing.
    await expect.poll(() => page.locator('.export-count').textContent(), { timeout: 5_000 }).toBe('exports 0');
    await page.keyboard.press('j');
    await page.keyboard.press('c');
    // The count follows the review (recomputed a second after the last change).
    await expect.poll(() => page.locator('.export-count').textContent(), { timeout: 5_000 }).toContain('1 dropped');

    await page.selectOption('select[name=exportable]', 'false');
    await expect.poll(rowIds).toEqual([id('error'), id('length')]);
    expect(page.url()).toContain('exportable=false');
    await page.selectOption('select[name=exportable]', 'true');
    await expect.poll(rowIds).toEqual([id('haiku'), id('step-3b')]);

    // The detail view: the verdict per format, the finish reason and the token usage.
    await page.goto(`${admin.url}/#/c/${id('length')}`);
    const verdict = page.locator('.verdict');
    await verdict.waitFor();
    expect(await verdict.textContent()).toContain('The export drops this row');
    expect(await verdict.locator('.verdict-reasons').textContent()).toContain('finish-length');
    expect(await verdict.locator('.verdict-format.no').count()).toBe(3);
    const meta = await page.locator('.meta').textContent();
    expect(meta).toContain('Finishlength');
    expect(meta).toContain('56 in · 12 out');
    expect(problems).toEqual([]);
  });

  it('reviews with one key per item and undoes with z, keeping the list where it was', async () => {
    await openList('#/?view=requests');
    const ids = (await rowIds()) as string[];
    await page.keyboard.press('c');
    await page.keyboard.press('x');
    await page.keyboard.press('c');
    await expect.poll(async () => (await admin.store.get(ids[2]!))?.reviewState).toBe('confirmed');
    expect((await admin.store.get(ids[0]!))?.reviewState).toBe('confirmed');
    expect((await admin.store.get(ids[1]!))?.reviewState).toBe('rejected');
    await expect.poll(() => page.locator('tr.row.focused').getAttribute('data-id')).toBe(ids[3]);
    // z undoes the last review, then the one before, and puts the cursor on it.
    await page.keyboard.press('z');
    await expect.poll(async () => (await admin.store.get(ids[2]!))?.reviewState).toBe('pending');
    await expect.poll(() => page.locator('tr.row.focused').getAttribute('data-id')).toBe(ids[2]);
    await page.keyboard.press('z');
    await expect.poll(async () => (await admin.store.get(ids[1]!))?.reviewState).toBe('pending');
    // The store changes before the browser has the answer and moves the cursor: wait for the cursor.
    await expect.poll(() => page.locator('tr.row.focused').getAttribute('data-id')).toBe(ids[1]);
    expect((await admin.store.get(ids[0]!))?.reviewState).toBe('confirmed');
    // The list was not reloaded: same rows, same order.
    expect(await rowIds()).toEqual(ids);

    // In a conversation: c confirms and opens the next; z takes it back and returns.
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toContain(`#/c/${ids[1]}`);
    await page.locator('.review-bar').waitFor();
    await page.keyboard.press('x');
    await expect.poll(() => page.url()).toContain(`#/c/${ids[2]}`);
    await expect.poll(async () => (await admin.store.get(ids[1]!))?.reviewState).toBe('rejected');
    await page.keyboard.press('z');
    await expect.poll(async () => (await admin.store.get(ids[1]!))?.reviewState).toBe('pending');
    await expect.poll(() => page.url()).toContain(`#/c/${ids[1]}`);
    expect(problems).toEqual([]);
  });

  it('renders single line breaks, and shows an errored exchange with its request and error', async () => {
    await page.goto(`${admin.url}/#/c/${id('haiku')}`);
    const answer = page.locator('.turn-gpt');
    await answer.waitFor();
    expect(await answer.locator('br').count()).toBe(2);

    await page.goto(`${admin.url}/#/c/${id('error')}`);
    const errored = page.locator('.conversation.errored');
    await errored.waitFor();
    expect((await errored.locator('.request-message').allTextContents()).map((text) => text.trim())).toEqual(['systemBe brief.', 'userSummarise the vacuum tuning guide.']);
    expect(await errored.locator('.error-box').textContent()).toContain('The server had an error');
    expect(problems).toEqual([]);
  });

  it('refuses an edit that would break a tool call, with the reason', async () => {
    await page.goto(`${admin.url}/#/c/${id('step-1')}`);
    const call = page.locator('.turn-function_call');
    await call.waitFor();
    await call.hover();
    await call.getByRole('button', { name: /Edit turn/ }).click();
    await page.locator('textarea.editor').fill('{"name":"get_weather","arguments":{"city":');
    await page.getByRole('button', { name: 'Save edit' }).click();
    await expect.poll(() => page.locator('.toast').allTextContents()).toContainEqual(expect.stringContaining('function-call-not-json'));
    expect((await admin.store.get(id('step-1')))?.editedSharegpt).toBeNull();
    expect(await page.locator('.edited-banner').count()).toBe(0);
  });

  it('keeps a note, tags and a rating per record, shows them in the list, and filters by tag', async () => {
    await page.goto(`${admin.url}/#/c/${id('haiku')}`);
    const panel = page.locator('details.annotation');
    await panel.waitFor();
    await panel.locator('summary').click();
    await panel.locator('textarea[name=note]').fill('Good imagery, keep.');
    await panel.locator('input[name=tags]').fill('poetry, good-tone, poetry');
    await panel.locator('select[name=rating]').selectOption('4');
    await panel.getByRole('button', { name: 'Save note' }).click();
    await expect.poll(async () => (await admin.store.annotationsOf([id('haiku')])).get(id('haiku'))).toMatchObject({
      note: 'Good imagery, keep.',
      tags: ['poetry', 'good-tone'],
      rating: 4,
    });
    await expect.poll(() => panel.locator('.annotation-summary .tag-user').allTextContents()).toEqual(['poetry', 'good-tone']);

    await page.goto(`${admin.url}/#/`);
    const row = page.locator(`tr.row[data-id="${id('haiku')}"]`);
    await row.waitFor();
    await expect.poll(() => row.locator('.tag-user').allTextContents()).toEqual(['poetry', 'good-tone']);
    expect(await row.locator('.rating').textContent()).toBe('★★★★');
    await page.fill('input[name=tag]', 'good-tone');
    await page.press('input[name=tag]', 'Enter');
    await expect.poll(rowIds).toEqual([id('haiku')]);
    expect(page.url()).toContain('tag=good-tone');
    expect(problems).toEqual([]);
  });

  it('fits a 390 px screen without horizontal scrolling (screenshots: ui-390-list.png, ui-390-conversation.png)', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    const small = await phone.newPage();
    try {
      const overflow = () => small.evaluate(() => {
        const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
      await small.goto(`${admin.url}/#/`);
      await small.locator('tr.row').first().waitFor();
      expect(await overflow()).toBe(0);
      expect(await small.locator('tr.row .export-badge').first().isVisible()).toBe(true);
      await small.screenshot({ path: join(ARTIFACTS_DIR, 'ui-390-list.png'), fullPage: true });
      await small.goto(`${admin.url}/#/c/${id('step-3')}`);
      await small.locator('.trajectory').waitFor();
      expect(await overflow()).toBe(0);
      await small.screenshot({ path: join(ARTIFACTS_DIR, 'ui-390-conversation.png'), fullPage: true });
    } finally {
      await phone.close();
    }
  });
});
