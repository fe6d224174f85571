// The terminal log: one line per request even when pretty-printed for a human (a TTY), the file
// keeps JSON lines. Runs the real logger in a child process (vite-node) with pretty output forced,
// since the pretty console is a transport writing to fd 1 from its own thread.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('createLogger', () => {
  it('pretty console: one line per access log entry; the file: JSON lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmproxy-logger-'));
    const script = join(dir, 'log-one.ts');
    writeFileSync(
      script,
      `import { createLogger, flushLogs } from ${JSON.stringify(join(ROOT, 'src/log/create-logger.ts'))};
const logger = createLogger({ level: 'info', file: ${JSON.stringify(join(dir, 'proxy.log'))}, pretty: true });
logger.info({ method: 'POST', domain: 'api.openai.com', path: '/v1/chat/completions', status: 200, ms: 12, bytes: 345, streamed: true }, 'proxied');
logger.info({ method: 'GET', domain: 'api.openai.com', path: '/v1/models', status: 200, ms: 3, bytes: 10, streamed: false }, 'proxied');
await flushLogs(logger);
setTimeout(() => process.exit(0), 300);
`,
    );
    const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules/.bin/vite-node'), [script], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
    const lines = stdout.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/INFO.*proxied.*"method":"POST".*"status":200.*"streamed":true/);
    const fileLines = readFileSync(join(dir, 'proxy.log'), 'utf8').trim().split('\n');
    expect(fileLines.map((line) => (JSON.parse(line) as { path: string }).path)).toEqual(['/v1/chat/completions', '/v1/models']);
  }, 60_000);
});
