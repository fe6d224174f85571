// Serving the review UI: `start` serves it beside the proxy (one process), `ui` serves it alone
// against a database that a proxy process is writing to, and both refuse a non-loopback bind
// without an admin token.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { ListResponse } from '../../src/admin/api-types.js';
import { openRecording } from '../../src/capture/open-recording.js';
import { runStart } from '../../src/cli/start.js';
import { runUi } from '../../src/cli/ui.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/log/create-logger.js';
import { startApp, type App } from '../../src/main.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { fixtureJson } from '../helpers/fixtures.js';
import { json, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { waitFor } from '../helpers/wait-for.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function upstreamWithChat(): Promise<FakeUpstream> {
  const upstream = await startFakeUpstream();
  upstream.on('/v1/chat/completions', json(200, fixtureJson('openai-chat', 'openai-text.json')));
  cleanups.push(() => upstream.close());
  return upstream;
}

async function startProxyApp(dbPath: string, upstream: FakeUpstream, admin: boolean): Promise<App> {
  const logger = createLogger({ level: 'error', file: null, console: false });
  const { config } = parseConfig({ allowed_domains: { [upstream.authority]: { https: false, auth_type: 'openai' } } });
  const app = await startApp({
    config,
    logger,
    port: 0,
    host: '127.0.0.1',
    recording: await openRecording({ dbPath, logger, flushIntervalMs: 10 }),
    admin: admin ? { store: openSqliteStore(dbPath), port: 0, host: '127.0.0.1', adminToken: null } : null,
  });
  cleanups.push(() => app.close(1_000));
  return app;
}

async function chat(app: App, upstream: FakeUpstream, text: string): Promise<void> {
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${app.proxy.url}/${upstream.authority}/v1`, maxRetries: 0 });
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });
}

async function listed(url: string): Promise<ListResponse> {
  return (await (await fetch(`${url}/api/exchanges`)).json()) as ListResponse;
}

describe('serving the review UI', () => {
  it('start: serves the UI and API beside the proxy, showing what it records', async () => {
    const upstream = await upstreamWithChat();
    const dbPath = join(mkdtempSync(join(tmpdir(), 'llmproxy-ui-')), 'db.sqlite');
    const app = await startProxyApp(dbPath, upstream, true);
    expect(app.admin?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await fetch(`${app.admin!.url}/`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    await chat(app, upstream, 'hello from the start command test');
    await waitFor(async () => (await listed(app.admin!.url)).total === 1, 10_000, 'the record in the admin API');
    expect((await listed(app.admin!.url)).items[0]?.preview).toBe('hello from the start command test');
  });

  it('ui: serves a database alone while a proxy process writes to it', async () => {
    const upstream = await upstreamWithChat();
    const dbPath = join(mkdtempSync(join(tmpdir(), 'llmproxy-ui-')), 'db.sqlite');
    const app = await startProxyApp(dbPath, upstream, false);
    expect(app.admin).toBeNull();
    await chat(app, upstream, 'first question');

    // The real command, in its own process (vite-node runs the TypeScript entry point).
    const child: ChildProcess = spawn(join(ROOT, 'node_modules/.bin/vite-node'), ['src/cli/index.ts', 'ui', '--db', dbPath, '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, ADMIN_TOKEN: '', UI_HOST: '', UI_PORT: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    );
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(() => /review UI: (http:\/\/127\.0\.0\.1:\d+)/.test(output) || child.exitCode !== null, 30_000, 'the ui command to listen');
    expect(child.exitCode, output).toBeNull();
    const url = /review UI: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;

    await waitFor(async () => (await listed(url)).total === 1, 10_000, 'the first record');
    await chat(app, upstream, 'second question');
    await waitFor(async () => (await listed(url)).total === 2, 10_000, 'the record written by the proxy process meanwhile');
    const first = (await listed(url)).items[1]!;
    const review = await fetch(`${url}/api/exchanges/${first.id}/review`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-requested-with': 'llm-proxy-ui' },
      body: JSON.stringify({ state: 'confirmed' }),
    });
    expect(review.status).toBe(200);
    expect((await (await fetch(`${url}/`)).text())).toContain('<div id="app">');
  }, 60_000);

  it('start and ui refuse a non-loopback bind without an admin token, before serving anything', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'llmproxy-ui-')), 'db.sqlite');
    await expect(runUi(['--db', dbPath, '--host', '0.0.0.0', '--port', '0'])).rejects.toThrow(/refusing to serve the review UI on 0\.0\.0\.0 without an admin token/);
    await expect(runUi(['--db', dbPath, '--host', '0.0.0.0', '--port', '0', '--admin-token', 'short'])).rejects.toThrow(/shorter than 16/);
    await expect(
      runStart(['--port', '0', '--ui-port', '0', '--ui-host', '192.168.1.20', '--db', dbPath, '--log-file', '-', '--log-level', 'error']),
    ).rejects.toThrow(/--admin-token/);
  });
});
