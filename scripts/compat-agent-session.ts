// One coding-agent session at the OpenAI-compatible entry (issue 12 §3): the real CLI (Codex on
// /v1/responses, opencode on /v1/chat/completions) pointed at `http://PROXY/v1` with a Claude or
// Gemini 3 model and thinking on, the proxy translating to the scripted loopback upstream (which
// refuses, as the providers do, a tool loop that lost its signed reasoning). A loopback tap in
// front of the entry keeps what the CLI sent, so the session can be saved as a fixture
// (test/fixtures/agents/compat-<mode>/session.json) and replayed. Used by scripts/test-agents.ts and
// scripts/record-agent-sessions.ts.
import { mkdtempSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRecording } from '../src/capture/open-recording.js';
import { redactHeaders, startScriptedAgentUpstream, type RecordedAgentExchange, type RecordedAgentRequest } from '../test/helpers/scripted-agent-upstream.js';
import { startTestProxy } from '../test/helpers/start-proxy.js';
import { COMPAT_MODEL, compatCli, compatInvocation, compatRoutes, FINAL_TEXT, prepareWorkDir, runCli, type CliInvocation, type CliResult, type CompatMode } from './agent-clis.js';

/** A request the CLI sent to the entry, and the status and body it got back. */
export interface EntryExchange {
  request: RecordedAgentRequest;
  response: { status: number; contentType: string; body: string };
}

export interface CompatSession {
  mode: CompatMode;
  model: string;
  result: CliResult;
  invocation: CliInvocation;
  workDir: string;
  filePath: string;
  /** What the CLI sent to the entry, in order. */
  entry: EntryExchange[];
  /** What the proxy sent upstream and the scripted answers. */
  upstream: RecordedAgentExchange[];
  upstreamAuthority: string;
  /** The proxy's SQLite file. */
  dbPath: string;
  logFile: string | null;
}

export async function runCompatSession(mode: CompatMode, binDir: string): Promise<CompatSession> {
  const run = prepareWorkDir(compatCli(mode));
  const upstream = await startScriptedAgentUpstream({ filePath: run.filePath, finalText: FINAL_TEXT });
  const dbPath = join(mkdtempSync(join(tmpdir(), `agents-${mode}-db-`)), 'records.db');
  const proxy = await startTestProxy(
    { allowed_domains: { [upstream.authority]: { https: false } }, openai_compat: { routes: compatRoutes(upstream.authority) } },
    { logFile: true, recording: (logger) => openRecording({ dbPath, logger, flushIntervalMs: 10 }) },
  );
  const proxyPort = Number(new URL(proxy.url).port);
  const entry: EntryExchange[] = [];
  // The tap: forwards each request to the proxy unchanged and keeps it (credentials removed) with the answer.
  const tap = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const text = bytes.toString('utf8');
      let body: unknown = text;
      try {
        if (text !== '') body = JSON.parse(text);
      } catch {
        // kept as text
      }
      const kept: EntryExchange = { request: { method: request.method ?? '', path: request.url ?? '', headers: redactHeaders(request.headers), body }, response: { status: 0, contentType: '', body: '' } };
      entry.push(kept);
      const forward = httpRequest({ host: '127.0.0.1', port: proxyPort, method: request.method, path: request.url, headers: { ...request.headers, host: `127.0.0.1:${proxyPort}` } }, (answer) => {
        kept.response.status = answer.statusCode ?? 0;
        kept.response.contentType = String(answer.headers['content-type'] ?? '');
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on('data', (chunk: Buffer) => {
          kept.response.body += chunk.toString('utf8');
          response.write(chunk);
        });
        answer.on('end', () => response.end());
      });
      forward.on('error', () => response.destroy());
      forward.end(bytes);
    });
  });
  await new Promise<void>((resolve) => tap.listen(0, '127.0.0.1', resolve));
  const tapPort = (tap.address() as AddressInfo).port;
  const invocation = compatInvocation(mode, binDir, `http://127.0.0.1:${tapPort}/v1`, run);
  const result = await runCli(invocation, run.workDir);
  tap.closeAllConnections();
  await new Promise((resolve) => tap.close(resolve));
  await proxy.close();
  await upstream.close();
  return { mode, model: COMPAT_MODEL[mode], result, invocation, workDir: run.workDir, filePath: run.filePath, entry, upstream: upstream.exchanges, upstreamAuthority: upstream.authority, dbPath, logFile: proxy.logFile };
}
