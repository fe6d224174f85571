// For the multi-instance PostgreSQL tests: proxies started from the built CLI (each its own
// process and working directory, so its own spool), a fake OpenAI upstream whose answer is a
// function of the question (so a client can replay a thread's history exactly), and a client that
// holds multi-turn conversations spread over the instances.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { json, sse, startFakeUpstream, type FakeUpstream } from './fake-upstream.js';

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** What the fake upstream answers to a question. */
export const answerTo = (question: string): string => `Answer to «${question}», in three words.`;

export async function startThreadUpstream(): Promise<FakeUpstream> {
  const upstream = await startFakeUpstream();
  upstream.on('/v1/chat/completions', (request, response) => {
    const body = JSON.parse(request.body.toString()) as { stream?: boolean; messages: ChatMessage[] };
    const answer = answerTo(body.messages[body.messages.length - 1]!.content);
    if (!body.stream) {
      return json(200, {
        id: 'chatcmpl-t',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4o-mini',
        choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      })(request, response);
    }
    const half = Math.floor(answer.length / 2);
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ id: 'chatcmpl-t', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    return sse([chunk({ role: 'assistant', content: answer.slice(0, half) }, null), chunk({ content: answer.slice(half) }, null), chunk({}, 'stop'), 'data: [DONE]\n\n'])(
      request,
      response,
    );
  });
  return upstream;
}

export interface ProxyProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** SIGTERM, resolving with the exit code once the process flushed and exited. */
  stop(): Promise<number | null>;
}

/** Starts `llm-proxy-sharegpt start --db <locator>` in its own working directory under `work`. */
export async function startProxyProcess(cli: string, work: string, name: string, upstream: FakeUpstream, locator: string): Promise<ProxyProcess> {
  const cwd = join(work, name);
  mkdirSync(cwd, { recursive: true });
  writeFileSync(join(cwd, 'config.json'), JSON.stringify({ allowed_domains: { [upstream.authority]: { https: false } } }));
  const child = spawn(process.execPath, [cli, 'start', '--port', '0', '--no-ui', '--log-file', 'proxy.log', '--config', 'config.json', '--db', locator], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`proxy ${name} did not start:\n${output}`)), 30_000);
    const check = () => {
      const match = /proxy listening: (http:\/\/127\.0\.0\.1:\d+)/u.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        child.removeAllListeners('exit');
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`proxy ${name} exited ${code}:\n${output}`)));
  });
  return {
    child,
    url,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

/** One chat turn through a proxy; returns the status and the assistant's answer. */
export async function chatTurn(
  proxyUrl: string,
  upstream: FakeUpstream,
  messages: readonly ChatMessage[],
  stream: boolean,
): Promise<{ status: number; answer: string }> {
  const response = await fetch(`${proxyUrl}/${upstream.authority}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer test-${'k'.repeat(8)}` },
    body: JSON.stringify({ model: 'gpt-4o-mini', stream, messages }),
  });
  const text = await response.text();
  if (response.status !== 200) return { status: response.status, answer: '' };
  if (!stream) return { status: 200, answer: (JSON.parse(text) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content };
  let answer = '';
  for (const line of text.split('\n')) {
    if (!line.startsWith('data: {')) continue;
    answer += (JSON.parse(line.slice(6)) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '';
  }
  return { status: 200, answer };
}

/**
 * Holds `threads` conversations of `turns` turns each; turn n of thread t goes to proxy
 * (t + n) % proxies.length, so every thread's turns land on different instances. Half the turns
 * are streamed. Returns every status.
 */
export async function holdConversations(
  proxies: readonly string[],
  upstream: FakeUpstream,
  threads: number,
  turns: number,
  concurrency: number,
): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < threads) {
      const thread = next++;
      const messages: ChatMessage[] = [];
      for (let turn = 0; turn < turns; turn++) {
        messages.push({ role: 'user', content: `thread ${thread} question ${turn}` });
        const { status, answer } = await chatTurn(proxies[(thread + turn) % proxies.length]!, upstream, messages, (thread + turn) % 2 === 0);
        statuses.push(status);
        messages.push({ role: 'assistant', content: answer });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return statuses;
}
