// The benchmark's upstream: a tiny keep-alive server, as fast as Node allows. Run as its own
// process: `node fake-upstream.js PORT` prints `ready PORT`.
//   POST /v1/chat/completions   a ~600-byte chat completion, at once
//   POST /stream/v1/chat/completions  a 20-chunk SSE stream, chunks 1 ms apart, each stamped with its send time
//   POST /slow/v1/chat/completions    one chunk a second for 10 s
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const completion = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench0000000000000000000000',
    object: 'chat.completion',
    created: 1_764_000_000,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'The quick brown fox jumps over the lazy dog. '.repeat(6).trim(), refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 21, completion_tokens: 60, total_tokens: 81 },
    system_fingerprint: 'fp_bench',
  }),
);

const now = () => performance.timeOrigin + performance.now();
const chunk = (index: number) =>
  `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1764000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"tok${index} "},"finish_reason":null}],"t":${now().toFixed(3)}}\n\n`;
const finish =
  'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1764000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';

function stream(response: ServerResponse, chunks: number, gapMs: number): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let sent = 0;
  const next = () => {
    if (response.destroyed) return;
    if (sent === chunks) {
      response.end(finish);
      return;
    }
    response.write(chunk(sent++));
    setTimeout(next, gapMs);
  };
  next();
}

const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  request.resume();
  request.on('end', () => {
    const url = request.url ?? '';
    if (url.startsWith('/stream/')) return stream(response, 20, 1);
    if (url.startsWith('/slow/')) return stream(response, 10, 1_000);
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': completion.length });
    response.end(completion);
  });
});
server.maxRequestsPerSocket = 0;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
});
