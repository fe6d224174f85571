// The built CLI as an operator meets it in the first hour (issue 16): each mistake is one line on
// stderr that names the flag or key to change, exit code 2, no stack trace; and a restart of a
// built install answers /health at once.
import Database from 'better-sqlite3';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, type BuiltCli } from '../helpers/build-cli.js';
import { json, sse, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { parseScrape } from '../helpers/prometheus.js';
import { waitFor } from '../helpers/wait-for.js';

let built: BuiltCli;
let work: string;
let blocker: Server;
let busyPort: number;
let upstream: FakeUpstream;

beforeAll(async () => {
  built = await buildCli();
  work = mkdtempSync(join(tmpdir(), 'llmproxy-operator-'));
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  busyPort = (blocker.address() as { port: number }).port;
  const database = new Database(join(work, 'recorded.db'));
  database.exec('CREATE TABLE t (x)');
  database.close();
  writeFileSync(join(work, 'not-a-db.txt'), 'hello');
  mkdirSync(join(work, 'a-directory'));
  upstream = await startFakeUpstream();
  upstream.on('/v1/chat/completions', (request, response) => {
    const body = JSON.parse(request.body.toString()) as { stream?: boolean };
    if (body.stream) return sse(['data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}\n\n', 'data: [DONE]\n\n'])(request, response);
    return json(200, { id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }] })(request, response);
  });
  writeFileSync(join(work, 'upstream.json'), JSON.stringify({ extra_allowed_domains: { [upstream.authority]: { https: false } } }));
}, 180_000);

afterAll(async () => {
  await upstream?.close();
  await new Promise((resolve) => blocker.close(resolve));
  built?.dispose();
});

interface Outcome {
  code: number | null;
  signal: string | null;
  stderr: string;
}

/** Runs the CLI to its end; a hang is killed after 15 s (and shows as signal SIGKILL). */
function runCli(args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [built.cli, ...args], { cwd: work, timeout: 15_000, killSignal: 'SIGKILL', env: { ...process.env, DB: '', PORT: '', UI_PORT: '', UI_HOST: '', ADMIN_TOKEN: '' } }, (_error, _stdout, stderr) => {
      resolve({ code: child.exitCode, signal: child.signalCode, stderr });
    });
  });
}

/** Exit 2, and stderr is exactly this one line. */
async function expectOneLine(args: string[], line: string): Promise<void> {
  const outcome = await runCli(args);
  expect(outcome.stderr).not.toMatch(/\n\s+at /);
  expect(outcome.stderr).toBe(`llm-proxy-sharegpt: ${line}\n`);
  expect(outcome.code).toBe(2);
}

const quiet = ['--log-file', '-', '--log-level', 'error'];

describe('one line that says what to do, exit 2', () => {
  it('the proxy port is in use → --port', async () => {
    await expectOneLine(
      ['start', '--port', String(busyPort), '--no-ui', '--no-record', ...quiet],
      `the proxy cannot listen on 127.0.0.1:${busyPort}: the port is already in use (another llm-proxy-sharegpt?); stop that process or choose another port with --port N`,
    );
  });

  it('the review UI port is in use → --ui-port or --no-ui', async () => {
    await expectOneLine(
      ['start', '--port', '0', '--ui-port', String(busyPort), '--db', join(work, 'ui-port.db'), ...quiet],
      `the review UI cannot listen on 127.0.0.1:${busyPort}: the port is already in use (another llm-proxy-sharegpt?); stop that process or choose another port with --ui-port N, or --no-ui`,
    );
  });

  it('the ui command: its port flag is --port', async () => {
    await expectOneLine(
      ['ui', '--port', String(busyPort), '--db', join(work, 'recorded.db')],
      `the review UI cannot listen on 127.0.0.1:${busyPort}: the port is already in use (another llm-proxy-sharegpt?); stop that process or choose another port with --port N`,
    );
  });

  it('--workers 2 with the port in use: the line once the workers fail, no endless restarts', async () => {
    const outcome = await runCli(['start', '--port', String(busyPort), '--no-ui', '--no-record', '--workers', '2', ...quiet]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(`llm-proxy-sharegpt: the proxy cannot listen on 127.0.0.1:${busyPort}: the port is already in use`);
    expect(outcome.stderr).not.toMatch(/\n\s+at /);
  });

  it('--config naming a missing file (no sonic-boom crash after the message)', async () => {
    await expectOneLine(
      ['start', '--port', '0', '--no-ui', '--config', 'absent.json'],
      'config file absent.json does not exist: fix the --config path, or leave --config out to use ./config.json (when present) or the built-in defaults',
    );
  });

  it.each([
    ['under /proc', '/proc/llm-proxy-test/x.db', 'cannot open the recording database /proc/llm-proxy-test/x.db: cannot create the directory /proc/llm-proxy-test: /proc does not accept new directories (a virtual file system such as /proc or /sys?) (use --db PATH, or --no-record)'],
    ['a directory', 'a-directory', '--db a-directory is a directory: give the database file, e.g. --db a-directory/llm-proxy.db'],
    ['a file that is not SQLite', 'not-a-db.txt', '--db not-a-db.txt is not a SQLite database (is it the right file?): move the file aside, give another database file, or a new path to create one'],
  ])('--db %s: no "undefined"', async (_name, db, line) => {
    await expectOneLine(['start', '--port', '0', '--no-ui', '--db', db, ...quiet], line);
  });

  it('--log-file under /proc', async () => {
    await expectOneLine(
      ['start', '--port', '0', '--no-ui', '--no-record', '--log-file', '/proc/llm-proxy-test/proxy.log'],
      'cannot open the log file /proc/llm-proxy-test/proxy.log: cannot create the directory /proc/llm-proxy-test: /proc does not accept new directories (a virtual file system such as /proc or /sys?); use --log-file FILE, or --log-file - for none',
    );
  });

  it('ui --db with a mistyped path refuses, unless --create', async () => {
    await expectOneLine(
      ['ui', '--port', '0', '--db', 'recroded.db'],
      'database recroded.db does not exist: check --db PATH (or env DB), or add --create to start a new, empty one',
    );
    const child = spawn(process.execPath, [built.cli, 'ui', '--port', '0', '--db', join(work, 'created.db'), '--create'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    const listening = await outputMatching(child, /review UI: http:\/\/127\.0\.0\.1:\d+/);
    expect(listening).toBeTruthy();
    expect(await stopChild(child)).toBe(0);
  });

  it('ui --host 0.0.0.0 without a token names --host, the ui command\'s flag', async () => {
    const outcome = await runCli(['ui', '--host', '0.0.0.0', '--port', '0', '--db', join(work, 'recorded.db')]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/^llm-proxy-sharegpt: refusing to serve the review UI on 0\.0\.0\.0 without an admin token: .* or bind it to 127\.0\.0\.1 \(--host\)\.\n$/);
  });

  it('export --out under /proc fails at once (no spinning mkdir)', async () => {
    await expectOneLine(
      ['export', '--db', join(work, 'recorded.db'), '--out', '/proc/llm-proxy-test/out'],
      'cannot create the output directory /proc/llm-proxy-test/out: cannot create the directory /proc/llm-proxy-test: /proc does not accept new directories (a virtual file system such as /proc or /sys?) (use --out DIR)',
    );
  });

  it('an unknown config key: a warning with "did you mean", and the proxy starts', async () => {
    writeFileSync(join(work, 'typo.json'), JSON.stringify({ alowed_domains: {} }));
    const child = spawn(process.execPath, [built.cli, 'start', '--port', '0', '--no-ui', '--no-record', '--log-file', '-', '--config', 'typo.json'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = await outputMatching(child, /proxy listening/);
    expect(output).toContain('unknown config key \\"alowed_domains\\" is ignored; did you mean \\"allowed_domains\\"?');
    expect(await stopChild(child)).toBe(0);
  });

  it('an openai_compat route to a domain that is not allowlisted is refused at start', async () => {
    writeFileSync(join(work, 'route.json'), JSON.stringify({ openai_compat: { routes: [{ match: 'llama-*', provider: 'openai', domain: 'llm.example.com' }] } }));
    await expectOneLine(
      ['start', '--port', '0', '--no-ui', '--no-record', '--config', 'route.json'],
      'openai_compat.routes.0 ("llama-*") sends to "llm.example.com", which is not allowlisted; add it to config.json as {"extra_allowed_domains": {"llm.example.com": {"https": true}}}, or change the route\'s domain',
    );
  });
});

describe('restart of a built install', () => {
  it('reaches a healthy /health right away (time printed, not asserted)', async () => {
    const db = join(work, 'restart.db');
    for (const round of ['first start', 'restart']) {
      const started = performance.now();
      const child = spawn(process.execPath, [built.cli, 'start', '--port', '0', '--no-ui', '--db', db, '--log-file', '-'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
      const output = await outputMatching(child, /proxy listening: (http:\/\/127\.0\.0\.1:\d+)/);
      const url = /proxy listening: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
      const health = (await (await fetch(`${url}/health`)).json()) as { status: string; store: { reachable: boolean } };
      const elapsed = performance.now() - started;
      expect(health.status).toBe('ok');
      expect(health.store.reachable).toBe(true);
      console.log(`${round}: healthy /health ${Math.round(elapsed)} ms after spawning the built CLI`);
      expect(await stopChild(child)).toBe(0);
    }
  });
});

describe('recording gives way to the proxy', () => {
  // Linux only (/proc): each thread has its own nice value.
  it.runIf(existsSync('/proc/self/task'))('the recording worker thread runs at nice 19, the proxy threads at 0', async () => {
    const child = spawn(process.execPath, [built.cli, 'start', '--port', '0', '--no-ui', '--db', join(work, 'priority.db'), '--log-file', '-'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    await outputMatching(child, /proxy listening: (http:\/\/127\.0\.0\.1:\d+)/);
    const nice = readdirSync(`/proc/${child.pid}/task`).map((thread) => {
      const stat = readFileSync(`/proc/${child.pid}/task/${thread}/stat`, 'utf8');
      // Fields after "(comm) ": state is field 3, nice is field 19.
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    });
    expect(await stopChild(child)).toBe(0);
    expect(nice.filter((value) => value === 19)).toHaveLength(1);
    expect(nice.filter((value) => value === 0).length).toBeGreaterThan(1);
  });
});

describe('--workers 2: one view of the process group', () => {
  it('/health and /metrics count every worker\'s traffic, on every scrape', async () => {
    const child = spawn(
      process.execPath,
      [built.cli, 'start', '--port', '0', '--no-ui', '--workers', '2', '--db', join(work, 'cluster.db'), '--log-file', '-', '--config', 'upstream.json'],
      { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const output = await outputMatching(child, /proxy listening: (http:\/\/127\.0\.0\.1:\d+)[\s\S]*proxy listening/);
      const url = /proxy listening: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
      const statuses = await Promise.all(
        Array.from({ length: 20 }, async (_unused, index) => {
          const response = await fetch(`${url}/${upstream.authority}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'm', stream: index % 2 === 0, messages: [{ role: 'user', content: 'hi' }] }),
          });
          await response.text();
          return response.status;
        }),
      );
      expect(statuses.every((status) => status === 200)).toBe(true);
      for (const refused of ['/not-listed.example.com/v1/chat/completions', '/v1/assistants']) {
        await (await fetch(`${url}${refused}`, { method: 'POST', body: '{}' })).text();
      }
      await waitFor(async () => ((await (await fetch(`${url}/health`)).json()) as { store: { records_written: number } }).store.records_written >= 20, 10_000, 'the records written');

      // Successive scrapes land on either worker; each must see the whole group.
      for (let scrapeIndex = 0; scrapeIndex < 4; scrapeIndex++) {
        const health = (await (await fetch(`${url}/health`)).json()) as { requests: number; workers: number; workers_answered: number; errors: Record<string, number> };
        expect(health).toMatchObject({ requests: 22, workers: 2, workers_answered: 2, errors: { domain_not_allowed: 1, not_found: 1 } });
        const scrape = parseScrape(await (await fetch(`${url}/metrics`)).text());
        expect(scrape.value('llm_proxy_requests_total')).toBe(22);
        expect(scrape.value('llm_proxy_errors_total', { code: 'domain_not_allowed' })).toBe(1);
        expect(scrape.histogramCount('llm_proxy_upstream_duration_seconds', { domain: upstream.authority, streamed: 'true' })).toBe(10);
        expect(scrape.histogramCount('llm_proxy_upstream_duration_seconds', { domain: upstream.authority, streamed: 'false' })).toBe(10);
        // The store is counted once (by the primary), not once per worker.
        expect(scrape.value('llm_proxy_records_written_total')).toBe(20);
        expect(scrape.value('llm_proxy_recording_queue_depth')).toBe(0);
      }
    } finally {
      expect(await stopChild(child)).toBe(0);
    }
  });
});

function outputMatching(child: ChildProcess, pattern: RegExp): Promise<string> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in:\n${output}`)), 15_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before ${pattern}:\n${output}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}
