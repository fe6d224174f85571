// Opening a record must not tell a third party it is being reviewed: remote image URLs in a record
// (ShareGPT images and markdown images) are fetched only when the reviewer clicks them. Real
// Chromium; the image host is intercepted, so every request the page makes to it is seen.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../src/capture/exchange.js';
import { makeTestRecord, testId } from '../../src/store/test-records.js';
import { launchChromium, runBrowserTests } from '../helpers/browser.js';
import { ensureUiBuilt } from '../helpers/ensure-ui-built.js';
import { TINY_PNG } from '../helpers/review-records.js';
import { startTestAdmin, type TestAdmin } from '../helpers/start-admin.js';

const HOST = 'images.reviewer-tracking.test';
const PNG = Buffer.from(TINY_PNG.slice(TINY_PNG.indexOf(',') + 1), 'base64');

function recordWithRemoteImages(): ExchangeRecord {
  const startedAt = Date.UTC(2025, 5, 2, 9, 0, 0);
  const base = makeTestRecord({ seq: 1, startedAt, userText: 'What is in this picture?' });
  return {
    ...base,
    id: testId(startedAt, 1),
    sharegpt: {
      conversations: [
        { from: 'human', value: '<image>\nWhat is in this picture?' },
        { from: 'gpt', value: `A cat. Compare ![a diagram](https://${HOST}/diagram.png) and the inline ![dot](${TINY_PNG}).` },
      ],
      system: '',
      tools: '',
      images: [`https://${HOST}/cat.png?record=secret-tracking-id`],
    },
    turnCount: 2,
  };
}

describe.skipIf(!runBrowserTests)('review UI: remote images load only on a click', () => {
  let browser: Browser;
  let admin: TestAdmin;
  let page: Page;
  const imageRequests: string[] = [];
  const record = recordWithRemoteImages();

  beforeAll(async () => {
    const uiDir = await ensureUiBuilt();
    browser = await launchChromium();
    admin = await startTestAdmin({ records: [record], uiDir });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.route(`https://${HOST}/**`, async (route) => {
      imageRequests.push(route.request().url());
      await route.fulfill({ status: 200, contentType: 'image/png', body: PNG });
    });
    page = await context.newPage();
    page.setDefaultTimeout(8_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await admin?.close();
  });

  it('opens the record without a request to the image host, and loads each image when clicked', async () => {
    await page.goto(`${admin.url}/#/c/${record.id}`);
    await page.locator('.turn-gpt .markdown').waitFor();
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(300);
    expect(imageRequests).toEqual([]);
    // The inline data: image is shown at once; the remote ones are placeholders naming their host.
    expect(await page.locator('.turn-gpt .markdown img').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    const attached = page.locator('.turn-human .image-remote');
    expect(await attached.textContent()).toContain(HOST);
    const inMarkdown = page.locator('.turn-gpt .markdown a.remote-image');
    expect(await inMarkdown.textContent()).toContain(HOST);

    await attached.click();
    const catImage = page.locator('.turn-human img.turn-image');
    await expect.poll(() => catImage.evaluate((element) => (element as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
    expect(imageRequests).toEqual([`https://${HOST}/cat.png?record=secret-tracking-id`]);

    await inMarkdown.click();
    const diagram = page.locator(`.turn-gpt .markdown img[src="https://${HOST}/diagram.png"]`);
    await expect.poll(() => diagram.evaluate((element) => (element as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
    expect(imageRequests).toEqual([`https://${HOST}/cat.png?record=secret-tracking-id`, `https://${HOST}/diagram.png`]);
    expect(page.url()).toContain(admin.url); // the click loaded the image; it did not navigate away
  });
});
