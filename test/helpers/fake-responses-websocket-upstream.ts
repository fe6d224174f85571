// A loopback stand-in for the Responses API's WebSocket transport, as Codex expects it
// (codex-rs codex-api/src/endpoint/responses_websocket.rs): the client upgrades `GET …/responses`,
// sends `{"type":"response.create", …}` text frames, and gets back one text frame per event (the
// JSON the HTTP transport sends as SSE `data:`), up to `response.completed`. The 101 carries the
// headers Codex reads (`x-codex-turn-state`, `x-reasoning-included`, `openai-model`). Each
// request's reply is scripted by the test; handshakes and frames are kept for it to assert.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** What to do with the n-th `response.create`: the event frames to send, then maybe a close. */
export interface ScriptedTurn {
  frames: string[];
  /** Stop after this many frames and close the connection (code 1011). */
  closeAfter?: number;
  /** Wait this long between frames. */
  delayMs?: number;
}

export interface FakeResponsesWebSocketUpstream {
  port: number;
  authority: string;
  handshakes: Array<{ url: string; headers: IncomingHttpHeaders }>;
  /** Every text frame the clients sent, parsed. */
  requests: Array<Record<string, unknown>>;
  /** Answer upgrades with this status and body instead of 101 (null: accept). */
  refuseWith: { status: number; body: string } | null;
  script(turns: ScriptedTurn[]): void;
  /** Sockets still open on the upstream side. */
  openSockets(): number;
  server: Server;
  close(): Promise<void>;
}

/** The `data:` payloads of a recorded SSE stream (a fixture), one WebSocket frame each. */
export function framesOfSse(text: string): string[] {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n\n')
    .map((block) => block.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice('data: '.length)).join('\n'))
    .filter((data) => data !== '' && data !== '[DONE]');
}

export async function startFakeResponsesWebSocketUpstream(): Promise<FakeResponsesWebSocketUpstream> {
  let turns: ScriptedTurn[] = [];
  let next = 0;
  const sockets = new Set<WebSocket>();
  const server = createServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'application/json' });
    response.end('{"error":{"message":"upgrade required"}}');
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: true });
  wss.on('headers', (lines) => {
    lines.push('x-codex-turn-state: turn-state-1', 'x-reasoning-included: true', 'openai-model: gpt-5-codex');
  });
  const upstream: FakeResponsesWebSocketUpstream = {
    port: 0,
    authority: '',
    handshakes: [],
    requests: [],
    refuseWith: null,
    script(scripted) {
      turns = scripted;
      next = 0;
    },
    openSockets: () => sockets.size,
    server,
    close() {
      for (const socket of sockets) socket.terminate();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  server.on('upgrade', (request, socket, head) => {
    upstream.handshakes.push({ url: request.url ?? '', headers: request.headers });
    if (upstream.refuseWith) {
      const body = upstream.refuseWith.body;
      socket.end(`HTTP/1.1 ${upstream.refuseWith.status} Refused\r\ncontent-type: application/json\r\nx-request-id: req-refused\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (client) => {
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      client.on('message', (data, isBinary) => {
        if (isBinary) return;
        const message = JSON.parse((data as Buffer).toString('utf8')) as Record<string, unknown>;
        upstream.requests.push(message);
        if (message['type'] !== 'response.create') return;
        const turn = turns[next++];
        if (!turn) {
          client.send(JSON.stringify({ type: 'error', status: 500, error: { type: 'server_error', message: 'no scripted turn left' } }));
          return;
        }
        void play(client, turn);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream.port = (server.address() as AddressInfo).port;
  upstream.authority = `127.0.0.1:${upstream.port}`;
  return upstream;
}

async function play(client: WebSocket, turn: ScriptedTurn): Promise<void> {
  const count = turn.closeAfter ?? turn.frames.length;
  for (let index = 0; index < count; index++) {
    if (turn.delayMs) await new Promise((resolve) => setTimeout(resolve, turn.delayMs));
    if (client.readyState !== client.OPEN) return;
    client.send(turn.frames[index]!);
  }
  if (turn.closeAfter !== undefined) client.close(1011, 'scripted close');
}
