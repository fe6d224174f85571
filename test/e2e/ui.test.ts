// The review UI in real headless Chromium against a real admin server and SQLite file: list,
// filters, search, open, keyboard review, bulk review by filter, edit, delete, optimistic
// rollback, export download, stats, sign-in, and screenshots saved to test-artifacts/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, launchChromium, runBrowserTests } from '../helpers/browser.js';
import { ensureUiBuilt } from '../helpers/ensure-ui-built.js';
import { reviewRecords } from '../helpers/review-records.js';
import { startTestAdmin, type TestAdmin } from '../helpers/start-admin.js';

const records = reviewRecords();
const byLabel = (label: string) => records.find((record) => record.label === label)!;

describe.skipIf(!runBrowserTests)('review UI in Chromium', () => {
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
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(8_000);
    problems = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
  });

  afterEach(async () => {
    await context?.close();
    await admin?.close();
  });

  async function openList(hash = '#/'): Promise<void> {
    await page.goto(`${admin.url}/${hash}`);
    await page.locator('tr.row').first().waitFor();
  }

  const rowIds = () => page.locator('tr.row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')));
  const newestFirst = (labels: string[]) => labels.map((label) => byLabel(label).id).sort().reverse();

  it('lists conversations newest first with their columns (screenshot: ui-list.png)', async () => {
    const response = await page.goto(`${admin.url}/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.locator('tr.row').first().waitFor();
    expect(await rowIds()).toEqual(records.map((record) => record.id).sort().reverse());
    await expect.poll(() => page.locator('.toolbar-count').textContent()).toContain(`${records.length} conversations`);
    const toolLoop = page.locator(`tr.row[data-id="${byLabel('tool-loop').id}"]`);
    const text = await toolLoop.textContent();
    expect(text).toContain('claude-sonnet-4');
    expect(text).toContain('api.anthropic.com');
    expect(text).toContain('What is the weather and the local time in Paris right now?');
    expect(text).toContain('Pending');
    expect(await page.locator(`tr.row[data-id="${byLabel('error').id}"] .status-error`).textContent()).toBe('504');
    expect(await page.locator(`tr.row[data-id="${byLabel('function-call-only').id}"] .tag-calls`).count()).toBe(1);
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'ui-list.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'ui-list-dark.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('filters by every control and searches the full text, keeping the filter in the address', async () => {
    await openList();
    await page.selectOption('select[name=model]', 'gpt-4o-mini');
    await expect.poll(rowIds).toEqual(newestFirst(['function-call-only', 'pasta']));
    await page.selectOption('select[name=functionCallOnly]', 'true');
    await expect.poll(rowIds).toEqual(newestFirst(['function-call-only']));
    expect(page.url()).toContain('model=gpt-4o-mini');
    expect(page.url()).toContain('functionCallOnly=true');
    await page.click('button.clear-filters');
    await expect.poll(rowIds).toHaveLength(records.length);

    await page.selectOption('select[name=hasTools]', 'true');
    await expect.poll(rowIds).toEqual(newestFirst(['tool-loop', 'function-call-only']));
    await page.selectOption('select[name=hasTools]', '');
    await page.selectOption('select[name=hasError]', 'true');
    await expect.poll(rowIds).toEqual(newestFirst(['error']));
    await page.selectOption('select[name=hasError]', '');
    await page.selectOption('select[name=domain]', 'api.deepseek.com');
    await expect.poll(rowIds).toEqual(newestFirst(['reasoning']));
    await page.selectOption('select[name=domain]', '');
    await page.selectOption('select[name=apiKind]', 'embeddings');
    await expect.poll(rowIds).toEqual(newestFirst(['embeddings']));
    await page.selectOption('select[name=apiKind]', '');

    await page.fill('#search', 'carbonara');
    await page.press('#search', 'Enter');
    await expect.poll(rowIds).toEqual(newestFirst(['pasta']));
    expect(decodeURIComponent(page.url())).toContain('q=carbonara');
    await page.fill('#search', 'paris weath');
    await expect.poll(rowIds).toEqual(newestFirst(['tool-loop', 'function-call-only']));

    // The address restores the filter on reload.
    await page.reload();
    await expect.poll(rowIds).toEqual(newestFirst(['tool-loop', 'function-call-only']));
    expect(await page.inputValue('#search')).toBe('paris weath');

    await page.fill('#search', '');
    await page.press('#search', 'Enter');
    await page.selectOption('select[name=order]', 'asc');
    await expect.poll(rowIds).toEqual(records.map((record) => record.id).sort());
    expect(problems).toEqual([]);
  });

  it('filters by date range and state', async () => {
    await admin.store.setReviewState([byLabel('markdown').id], 'confirmed', Date.now());
    await openList();
    await page.selectOption('select[name=state]', 'confirmed');
    await expect.poll(rowIds).toEqual([byLabel('markdown').id]);
    await page.selectOption('select[name=state]', '');
    // Every record is on 2025-06-02 (UTC); a range ending the day before matches none.
    await page.fill('input[name=until]', '2025-05-30');
    await expect.poll(() => page.locator('.empty-filter').count()).toBe(1);
    await page.fill('input[name=until]', '');
    await page.fill('input[name=since]', '2025-05-30');
    await expect.poll(rowIds).toHaveLength(records.length);
  });

  it('pages with "load more" (keyset)', async () => {
    const many = Array.from({ length: 120 }, (_, index) => ({
      ...byLabel('pasta'),
      id: `${byLabel('pasta').id.slice(0, 10)}ZZ${String(index).padStart(14, '0')}`,
      startedAt: byLabel('pasta').startedAt + index + 1,
      selfKey: `many-${index}`,
    }));
    await admin.store.insertBatch(many);
    await page.setViewportSize({ width: 1440, height: 600 });
    await openList();
    expect(await page.locator('tr.row').count()).toBe(50);
    expect(await page.locator('.load-more button').textContent()).toBe('Load more');
    // Scrolling to the end loads the next page (the button does the same), until the last.
    await expect
      .poll(async () => {
        await page.locator('.load-more').scrollIntoViewIfNeeded();
        return page.locator('tr.row').count();
      })
      .toBe(records.length + 120);
    const ids = await rowIds();
    expect(ids).toEqual([...records.map((record) => record.id), ...many.map((record) => record.id)].sort().reverse());
    expect(await page.locator('.load-more').textContent()).toContain(`End of list · ${records.length + 120} conversations`);
  });

  it('opens a conversation with tool calls from the keyboard (screenshot: ui-conversation-tools.png)', async () => {
    await openList();
    const ids = await rowIds();
    const target = ids.indexOf(byLabel('tool-loop').id);
    for (let step = 0; step < target; step += 1) await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.hash === `#/c/${byLabel('tool-loop').id}`);
    await page.locator('.turn').first().waitFor();
    expect(await page.locator('.turn').evaluateAll((turns) => turns.map((turn) => turn.getAttribute('data-role')))).toEqual([
      'human',
      'function_call',
      'observation',
      'gpt',
    ]);
    expect(await page.locator('.system').textContent()).toContain('You can call tools');
    const calls = page.locator('.turn-function_call .call');
    expect(await calls.count()).toBe(2);
    expect(await calls.nth(0).locator('.call-name').textContent()).toContain('get_weather');
    expect(await calls.nth(0).locator('pre').textContent()).toBe('{\n  "city": "Paris",\n  "unit": "c"\n}');
    expect(await page.locator('.turn-observation .observation-part').count()).toBe(2);
    expect(await page.locator('.turn-gpt .markdown strong').textContent()).toBe('21 °C and sunny');
    await page.locator('.tools summary').click();
    expect(await page.locator('.tools pre').textContent()).toContain('"name": "get_time"');
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'ui-conversation-tools.png'), fullPage: true });

    // The raw request and response are one click away.
    await page.getByRole('tab', { name: 'Raw request' }).click();
    expect(await page.locator('.raw pre').textContent()).toContain('"role": "user"');
    await page.getByRole('tab', { name: 'Raw response' }).click();
    expect(await page.locator('.raw pre').textContent()).toContain('chat.completion');

    // j moves to the next (older) conversation, k back.
    await page.keyboard.press('j');
    await page.waitForURL((url) => url.hash === `#/c/${ids[target + 1]}`);
    await page.keyboard.press('k');
    await page.waitForURL((url) => url.hash === `#/c/${byLabel('tool-loop').id}`);
    await page.keyboard.press('Escape');
    await page.waitForURL((url) => !url.hash.startsWith('#/c/'));
    expect(problems).toEqual([]);
  });

  it('renders markdown with highlighted code, reasoning collapsed, and images', async () => {
    await page.goto(`${admin.url}/#/c/${byLabel('markdown').id}`);
    await page.locator('.turn-gpt').waitFor();
    expect(await page.locator('.turn-gpt pre code .hljs-keyword').count()).toBeGreaterThan(0);
    expect(await page.locator('.turn-gpt table td').first().textContent()).toBe('time');
    const link = page.locator('.turn-gpt a[href="https://www.typescriptlang.org/docs/"]');
    expect(await link.getAttribute('rel')).toContain('noopener');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'ui-conversation-markdown.png'), fullPage: true });

    await page.goto(`${admin.url}/#/c/${byLabel('reasoning').id}`);
    const reasoning = page.locator('.reasoning');
    await reasoning.waitFor();
    expect(await reasoning.evaluate((element) => (element as unknown as { open: boolean }).open)).toBe(false);
    expect(await page.locator('.turn-gpt .turn-body > .markdown').textContent()).toContain('No. 1,001 = 7 × 11 × 13.');
    await reasoning.locator('summary').click();
    expect(await reasoning.locator('.reasoning-body').textContent()).toContain('1001 = 7 × 11 × 13, so it has divisors');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'ui-conversation-reasoning.png') });

    await page.goto(`${admin.url}/#/c/${byLabel('image').id}`);
    const image = page.locator('.turn-human img.turn-image');
    await image.waitFor();
    expect(await image.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await expect.poll(() => image.evaluate((element) => (element as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
    expect(problems).toEqual([]);
  });

  it('confirms, rejects and resets with c / x / u, in the list and in a conversation, moving on after each', async () => {
    await openList();
    const [first, second, third] = (await rowIds()) as [string, string, string];
    await page.keyboard.press('c');
    await expect.poll(() => page.locator(`tr.row[data-id="${first}"] .badge`).textContent()).toBe('Confirmed');
    await expect.poll(async () => (await admin.store.get(first))?.reviewState).toBe('confirmed');
    // One key per item: c moved the cursor to the next row.
    await expect.poll(() => page.locator('tr.row.focused').getAttribute('data-id')).toBe(second);
    await page.keyboard.press('x');
    await expect.poll(async () => (await admin.store.get(second))?.reviewState).toBe('rejected');
    await expect.poll(() => page.locator('tr.row.focused').getAttribute('data-id')).toBe(third);
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    await page.keyboard.press('u');
    await expect.poll(async () => (await admin.store.get(first))?.reviewState).toBe('pending');

    await page.keyboard.press('Enter');
    await page.locator('.review-bar').waitFor();
    await page.keyboard.press('c');
    await expect.poll(async () => (await admin.store.get(first))?.reviewState).toBe('confirmed');
    // ...and the conversation view went on to the next one.
    await expect.poll(() => page.url()).toContain(`#/c/${second}`);
    expect(problems).toEqual([]);
  });

  it('confirms every conversation matching the filter in bulk, and a selection', async () => {
    await openList('#/?model=gpt-4o-mini');
    await expect.poll(rowIds).toHaveLength(2);
    await page.getByRole('button', { name: 'Confirm all' }).click();
    const dialog = page.getByRole('alertdialog');
    expect(await dialog.textContent()).toContain('Confirm all 2 conversations matching this filter?');
    await dialog.getByRole('button', { name: 'Confirm all' }).click();
    await expect.poll(() => admin.store.count({ reviewState: 'confirmed' })).toBe(2);
    expect(await admin.store.count({ reviewState: 'confirmed', model: 'gpt-4o-mini' })).toBe(2);
    await expect.poll(() => page.locator('tr.row .badge').allTextContents()).toEqual(['Confirmed', 'Confirmed']);
    await expect.poll(() => page.locator('.toast').allTextContents()).toContainEqual(expect.stringContaining('2 conversations confirmed'));

    await page.click('button.clear-filters');
    await expect.poll(rowIds).toHaveLength(records.length);
    const ids = await rowIds();
    await page.locator(`tr.row[data-id="${ids[0]}"] input[type=checkbox]`).check();
    await page.keyboard.press('j');
    await page.keyboard.press(' ');
    await page.locator('.toolbar-actions').getByRole('button', { name: 'Reject', exact: true }).click();
    await expect.poll(() => admin.store.count({ reviewState: 'rejected' })).toBe(2);
    expect((await admin.store.get(ids[1]!))?.reviewState).toBe('rejected');
  });

  it('edits a turn before confirming: the edit is stored, the original kept', async () => {
    const record = byLabel('pasta');
    await page.goto(`${admin.url}/#/c/${record.id}`);
    const answer = page.locator('.turn-gpt');
    await answer.waitFor();
    await answer.hover();
    await answer.getByRole('button', { name: /Edit turn/ }).click();
    const editor = page.locator('textarea.editor');
    await editor.fill('1. Cook spaghetti al dente.\n2. Mix eggs and pecorino.\n3. Toss with guanciale off the heat.');
    await page.getByRole('button', { name: 'Save edit' }).click();
    await page.locator('.edited-banner').waitFor();
    await expect.poll(async () => (await admin.store.get(record.id))?.editedSharegpt?.conversations[1]?.value).toContain('al dente');
    const stored = await admin.store.get(record.id);
    expect(stored?.sharegpt).toEqual(record.sharegpt);
    expect(stored?.editedSharegpt?.conversations[0]).toEqual(record.sharegpt!.conversations[0]);
    expect(await answer.locator('.tag-edited').count()).toBe(1);
    expect(await answer.textContent()).toContain('al dente');

    await page.getByRole('button', { name: 'Show original' }).click();
    expect(await page.locator('.turn-gpt').textContent()).toContain('Whisk eggs with pecorino');
    await page.getByRole('button', { name: 'Show edited' }).click();
    await page.keyboard.press('c');
    await expect.poll(async () => (await admin.store.get(record.id))?.reviewState).toBe('confirmed');
    // c went on to the next conversation: come back to this one.
    await expect.poll(() => page.url()).not.toContain(record.id);
    await page.goto(`${admin.url}/#/c/${record.id}`);
    await page.locator('.edited-banner').waitFor();

    // "e" edits the last answer from the keyboard; Escape cancels.
    await page.keyboard.press('e');
    await editor.waitFor();
    await expect.poll(() => editor.evaluate((element) => element === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement)).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => editor.count()).toBe(0);
    await page.getByRole('button', { name: 'Revert to original' }).click();
    await expect.poll(async () => (await admin.store.get(record.id))?.editedSharegpt).toBeNull();
    expect(problems).toEqual([]);
  });

  it('deletes after confirmation, and not when cancelled', async () => {
    await openList();
    const first = (await rowIds())[0]!;
    await page.keyboard.press('#');
    await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await admin.store.get(first)).not.toBeNull();
    await page.locator(`tr.row[data-id="${first}"]`).click();
    await page.locator('.review-bar').waitFor();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => admin.store.get(first)).toBeNull();
    // The view moves on to the next conversation.
    await page.waitForURL((url) => url.hash.startsWith('#/c/') && !url.hash.includes(first));
    expect(problems).toEqual([]);
  });

  it('rolls an optimistic update back with a visible error when the API fails', async () => {
    await openList();
    const first = (await rowIds())[0]!;
    await page.route('**/api/exchanges/*/review', (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'internal_error', message: 'database is locked' } }),
      }),
    );
    await page.keyboard.press('c');
    const toast = page.locator('.toast-error');
    await toast.waitFor();
    expect(await toast.textContent()).toContain('Could not confirm the conversation: database is locked');
    await expect.poll(() => page.locator(`tr.row[data-id="${first}"] .badge`).textContent()).toBe('Pending');
    expect((await admin.store.get(first))?.reviewState).toBe('pending');
  });

  it('downloads the current filter as JSONL from the export button', async () => {
    const markdown = byLabel('markdown');
    await openList('#/?model=gpt-4.1&hasError=false');
    await expect.poll(rowIds).toEqual([markdown.id]);
    // As the CLI: confirmed only, and it says what it leaves out.
    await page.getByRole('button', { name: 'Export' }).click();
    await expect.poll(() => page.locator('.export-preview').textContent()).toContain('0 rows from 0 records');
    expect(await page.locator('.export-left-out li[data-code="not-selected"]').textContent()).toContain('1 record left out: not confirmed');
    await page.selectOption('select[name=exportStatus]', 'all');
    await expect.poll(() => page.locator('.export-preview').textContent()).toContain('1 row from 1 record');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: /ShareGPT/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/^llm-proxy-sharegpt-sharegpt-\d{4}-\d{2}-\d{2}\.jsonl$/);
    const path = join(ARTIFACTS_DIR, 'ui-export.sharegpt.jsonl');
    await download.saveAs(path);
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { conversations: Array<{ value: string }>; system: string });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.conversations[0]!.value).toBe(markdown.sharegpt!.conversations[0]!.value);
    expect(lines[0]!.system).toBe(markdown.sharegpt!.system);

    await page.getByRole('button', { name: 'Export' }).click();
    const [openai] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: /OpenAI fine-tuning/ }).click()]);
    expect(openai.suggestedFilename()).toContain('openai-ft');
    expect(problems).toEqual([]);
  });

  it('shows the keyboard help with ?', async () => {
    await openList();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    const text = await help.textContent();
    for (const action of ['next conversation', 'previous conversation', 'confirm', 'reject', 'reset to pending', 'open the conversation']) {
      expect(text).toContain(action);
    }
    await page.keyboard.press('Escape');
    expect(await help.count()).toBe(0);
  });

  it('shows stats with charts (screenshot: ui-stats.png)', async () => {
    const now = Date.now();
    await admin.store.insertBatch(
      Array.from({ length: 60 }, (_, index) => ({
        ...byLabel(index % 3 === 0 ? 'markdown' : index % 3 === 1 ? 'reasoning' : 'error'),
        id: `${(now - index * 2_400_000).toString(32).toUpperCase().padStart(10, '0')}RECENT${String(index).padStart(10, '0')}`,
        startedAt: now - index * 2_400_000,
        durationMs: 400 + index * 37,
        selfKey: `recent-${index}`,
      })),
    );
    await page.goto(`${admin.url}/#/stats`);
    await page.locator('.kpi').first().waitFor();
    await page.getByRole('radio', { name: '7 days' }).waitFor();
    await expect.poll(() => page.locator('.kpi-value').first().textContent()).toBe('60');
    expect(await page.locator('svg.chart').count()).toBe(2);
    expect(await page.locator('svg.chart rect.series-a').count()).toBeGreaterThan(10);
    expect(await page.locator('svg.chart rect.series-error').count()).toBeGreaterThan(5);
    expect(await page.locator('.card', { hasText: 'By model' }).textContent()).toContain('deepseek-reasoner');
    await page.getByRole('radio', { name: 'All time' }).click();
    await expect.poll(() => page.locator('.kpi-value').first().textContent()).toBe(String(60 + records.length));
    await page.getByRole('radio', { name: '24 hours' }).click();
    await expect.poll(() => page.locator('.kpi-value').first().textContent()).toBe('36');
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'ui-stats.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});

describe.skipIf(!runBrowserTests)('review UI behind an admin token', () => {
  const TOKEN = 'e2e-admin-token-0123456789abcdef';
  let browser: Browser;
  let admin: TestAdmin;

  beforeAll(async () => {
    const uiDir = await ensureUiBuilt();
    browser = await launchChromium();
    admin = await startTestAdmin({ records, uiDir, adminToken: TOKEN });
  }, 180_000);

  afterAll(async () => {
    await admin?.close();
    await browser?.close();
  });

  it('asks for the token, signs in with an HttpOnly cookie, and then works', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${admin.url}/`);
    const input = page.getByLabel('Admin token');
    await input.waitFor();
    await input.fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.error-text', { hasText: 'wrong admin token' }).waitFor();
    await input.fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('tr.row').first().waitFor();
    expect(await page.locator('tr.row').count()).toBe(records.length);
    const cookies = await context.cookies();
    expect(cookies).toEqual([expect.objectContaining({ name: 'llmproxy_admin', httpOnly: true, sameSite: 'Strict' })]);
    expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe('');
    await context.close();
  });
});
