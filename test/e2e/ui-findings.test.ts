// The review UI's privacy marks and near-duplicates, in real headless Chromium against a real
// admin server and SQLite file, with the background scan running as in the UI process: records
// seeded with a secret and an e-mail (in a user turn, a system prompt, tool arguments and a tool
// result), the list badges, the findings filter in the address, the highlighted characters with
// their rule as a tooltip, and the near-duplicates of a seeded near-duplicate pair (screenshot in
// test-artifacts/ui-findings.png, ui-findings-detail.png).
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seededPersonalData, seededSecrets } from '../../src/privacy/__fixtures__/seeded-values.js';
import { ARTIFACTS_DIR, launchChromium, runBrowserTests } from '../helpers/browser.js';
import { ensureUiBuilt } from '../helpers/ensure-ui-built.js';
import { recordExchange } from '../helpers/recorded-exchanges.js';
import { startTestAdmin, type TestAdmin } from '../helpers/start-admin.js';

const github = seededSecrets(11).find((value) => value.rule === 'github-token')!.value;
const email = seededPersonalData(11).find((value) => value.rule === 'email')!.value;
const TEMPLATE =
  'Translate the release notes below into German for the customer newsletter, keep the version numbers and product names unchanged: ' +
  'the sync client now resumes interrupted uploads, the web dashboard loads twice as fast, exports can be scheduled every night, ' +
  'the mobile app keeps working offline in every project, search finds attachments by their content, and the team page lists who is on call this week';
// (long enough that the two near-duplicates below are clearly above the 0.8 threshold: Jaccard 0.87,
// where MinHash's estimate varies by about ±0.04)

const at = (minute: number) => Date.UTC(2025, 9, 1, 10, minute);
const answer = (seq: number, message: unknown) => ({ id: `c${seq}`, object: 'chat.completion', model: 'gpt-4.1', choices: [{ index: 0, message, finish_reason: 'stop' }] });
const simple = (seq: number, user: string, reply: string) =>
  recordExchange({
    format: 'openai-chat',
    seq,
    startedAt: at(seq),
    request: { model: 'gpt-4.1', messages: [{ role: 'user', content: user }] },
    response: answer(seq, { role: 'assistant', content: reply }),
  });

const call = { id: 'call_1', type: 'function', function: { name: 'send_mail', arguments: JSON.stringify({ to: email, subject: 'Invoice' }) } };
const records = [
  simple(1, `Deploy the site, my token is ${github} thanks`, 'Deployed.'),
  recordExchange({
    format: 'openai-chat',
    seq: 2,
    startedAt: at(2),
    request: {
      model: 'gpt-4.1',
      tools: [{ type: 'function', function: { name: 'send_mail', description: 'Send a mail.', parameters: { type: 'object', properties: { to: { type: 'string' } } } } }],
      messages: [
        { role: 'system', content: `Escalations go to ${email} only.` },
        { role: 'user', content: 'Send the invoice.' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: 'call_1', content: JSON.stringify({ delivered: true, recipient: email }) },
      ],
    },
    response: answer(2, { role: 'assistant', content: 'The invoice is sent.' }),
  }),
  simple(3, 'How long do I boil an egg?', 'About seven minutes.'),
  simple(4, `${TEMPLATE} (version 4.2).`, 'Here are the German release notes.'),
  simple(5, `${TEMPLATE} (version 4.3).`, 'Here are the German release notes.'),
];
const [secretId, emailId, cleanId, nearA, nearB] = records.map((record) => record.id) as [string, string, string, string, string];

describe.skipIf(!runBrowserTests)('review UI: privacy findings and near-duplicates', () => {
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
    admin = await startTestAdmin({ records, uiDir, scan: { idleMs: 20, fullSweepMs: 0 } });
    await admin.admin.scanner!.idle();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
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

  /** A fresh page load at this address (the app reads the list filter from the address when it starts). */
  async function open(hash: string): Promise<void> {
    await page.goto('about:blank');
    await page.goto(`${admin.url}/${hash}`);
  }
  const rowIds = () => page.locator('tr.row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')));
  const marks = (selector: string) =>
    page.locator(`${selector} mark.finding`).evaluateAll((elements) => elements.map((element) => ({ text: element.textContent, title: element.getAttribute('title') })));

  it('marks the rows with findings and filters them by findings, in the address (screenshot: ui-findings.png)', async () => {
    await open('#/?view=requests');
    await page.locator('tr.row').first().waitFor();
    expect(await rowIds()).toEqual([nearB, nearA, cleanId, emailId, secretId]);
    const row = (id: string) => page.locator(`tr.row[data-id="${id}"]`);
    expect(await row(secretId).locator('.tag-secret').textContent()).toBe('secret');
    expect(await row(secretId).locator('.tag-secret').getAttribute('title')).toContain('1 secret');
    expect(await row(emailId).locator('.tag-personal').textContent()).toBe('personal data');
    expect(await row(emailId).locator('.tag-personal').getAttribute('title')).toContain('e-mail');
    expect(await row(cleanId).locator('[data-findings]').count()).toBe(0);
    expect(await page.locator('tr.row .tag-unscanned').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'ui-findings.png'), fullPage: true });

    await page.locator('select[name="findings"]').selectOption('secrets');
    await expect.poll(rowIds).toEqual([secretId]);
    expect(page.url()).toContain('findings=secrets');
    await page.locator('select[name="findings"]').selectOption('any');
    await expect.poll(rowIds).toEqual([emailId, secretId]);
    await page.locator('select[name="findings"]').selectOption('none');
    await expect.poll(rowIds).toEqual([nearB, nearA, cleanId]);
    // The thread list takes the same filter.
    await open('#/?findings=personal');
    await expect.poll(rowIds).toEqual([emailId]);
    expect(await page.locator('select[name="findings"]').inputValue()).toBe('personal');
    expect(problems).toEqual([]);
  });

  it('highlights the exact characters of each finding in the detail view, with the rule as a tooltip', async () => {
    await open(`#/c/${secretId}`);
    await page.locator('.turn').first().waitFor();
    expect(await page.locator('.privacy').textContent()).toContain('1 secret (github-token)');
    expect(await marks('.turn-human')).toEqual([{ text: github, title: 'Secret (github-token): redacted by the export' }]);
    // The text around the value is left as it was.
    expect(await page.locator('.turn-human .turn-body').textContent()).toContain(`my token is ${github} thanks`);

    await open(`#/c/${emailId}`);
    await page.locator('.turn').first().waitFor();
    expect(await page.locator('.privacy').textContent()).toContain('personal data: 1 e-mail');
    const personal = { text: email, title: 'E-mail address: personal data' };
    expect(await marks('.system')).toEqual([personal]);
    // Tool arguments (pretty JSON) and the tool result (JSON).
    expect(await marks('.turn-function_call')).toEqual([personal]);
    expect(await marks('.turn-observation')).toEqual([personal]);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'ui-findings-detail.png'), fullPage: true });
    expect(await page.locator('.turn-observation .turn-body').textContent()).toContain(`"recipient": "${email}"`);
    // The raw request shows it too, and marks it there.
    await page.getByRole('tab', { name: 'Raw request' }).click();
    await expect.poll(async () => (await marks('.raw')).length).toBeGreaterThanOrEqual(3);
    expect((await marks('.raw')).every((mark) => mark.text === email)).toBe(true);

    await open(`#/c/${cleanId}`);
    await page.locator('.turn').first().waitFor();
    expect(await page.locator('.privacy').textContent()).toContain('No secrets or personal data found');
    expect(await page.locator('mark.finding').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it("shows a record's near-duplicates with their similarity, one click from the detail view", async () => {
    await open(`#/c/${nearA}`);
    await page.locator('.turn').first().waitFor();
    await page.locator('.near-duplicates summary').click();
    const item = page.locator(`.near-list li[data-id="${nearB}"]`);
    await item.waitFor();
    expect(await page.locator('.near-list li').count()).toBe(1);
    const percent = Number((await item.locator('.near-similarity').textContent())!.replace('%', ''));
    expect(percent).toBeGreaterThanOrEqual(80);
    expect(percent).toBeLessThan(100);
    expect(await item.locator('.near-preview').textContent()).toContain('Translate the release notes');
    await item.locator('a').click();
    await expect.poll(() => page.url()).toContain(`#/c/${nearB}`);
    await page.locator('.near-duplicates summary').click();
    await page.locator(`.near-list li[data-id="${nearA}"]`).waitFor();

    await open(`#/c/${cleanId}`);
    await page.locator('.turn').first().waitFor();
    await page.locator('.near-duplicates summary').click();
    await expect.poll(() => page.locator('.near-none').count()).toBe(1);
    expect(problems).toEqual([]);
  });
});
