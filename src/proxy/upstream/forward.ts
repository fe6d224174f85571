// Sends one request upstream through the shared undici agent and pipes the response to the
// client as each chunk arrives, with backpressure both ways and aborts propagated both ways.
// undici's low-level dispatch handler is used so that no stream object sits between the socket
// and the client: a chunk goes from onResponseData straight into response.write. Connect retries
// happen below, in the agent's interceptor (retry-connect-interceptor.ts).
import type { ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { ProxyError } from '../../errors.js';
import type { RecordingHandle } from '../recorder.js';
import { upstreamError } from './classify-upstream-error.js';
import { connectionTokensOf, isHopByHop } from './hop-by-hop.js';

export interface ForwardRequest {
  origin: string;
  pathAndQuery: string;
  method: string;
  headers: Record<string, string | string[]>;
  body: Buffer | null;
}

export interface ForwardResult {
  status: number;
  bytes: number;
  streamed: boolean;
  /** Set when the exchange failed: before the response (answered by the proxy) or mid-stream. */
  error?: ProxyError;
  aborted: boolean;
  /** Time from the request's arrival to the upstream's response headers (absent: none came). */
  ttfbMs?: number;
}

type DispatchController = Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseStart']>>[0];

export function forwardUpstream(
  agent: Dispatcher,
  request: ForwardRequest,
  response: ServerResponse,
  recording: RecordingHandle | null,
  startTime: number,
): Promise<ForwardResult> {
  return new Promise((resolve) => {
    agent.dispatch(
      {
        origin: request.origin,
        path: request.pathAndQuery,
        method: request.method as Dispatcher.HttpMethod,
        headers: request.headers,
        body: request.body,
      },
      new PipeHandler(response, recording, startTime, resolve),
    );
  });
}

class PipeHandler implements Dispatcher.DispatchHandler {
  private controller: DispatchController | null = null;
  private status = 0;
  private bytes = 0;
  private streamed = false;
  private started = false;
  private ttfbMs: number | undefined;
  private done = false;
  private readonly onClose = () => {
    if (!this.done) this.controller?.abort(new ProxyError('upstream_failed', 'client disconnected'));
  };
  private readonly onDrain = () => this.controller?.resume();

  constructor(
    private readonly response: ServerResponse,
    private readonly recording: RecordingHandle | null,
    private readonly startTime: number,
    private readonly finish: (result: ForwardResult) => void,
  ) {
    response.once('close', this.onClose);
    response.on('drain', this.onDrain);
  }

  onRequestStart(controller: DispatchController): void {
    this.controller = controller;
    if (this.response.destroyed) controller.abort(new ProxyError('upstream_failed', 'client disconnected'));
  }

  onResponseStart(
    _controller: DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void {
    if (statusCode < 200) return; // 1xx informational: not forwarded
    this.status = statusCode;
    this.started = true;
    const connectionTokens = connectionTokensOf(headers['connection']);
    const outgoing: Record<string, string | string[]> = {};
    for (const name in headers) {
      const value = headers[name];
      if (value === undefined || isHopByHop(name, connectionTokens)) continue;
      outgoing[name] = value;
    }
    const contentType = headers['content-type'];
    this.streamed =
      (typeof contentType === 'string' && contentType.includes('event-stream')) || headers['content-length'] === undefined;
    this.ttfbMs = performance.now() - this.startTime;
    this.recording?.onResponseStart(statusCode, headers, this.ttfbMs);
    if (!this.response.destroyed) this.response.writeHead(statusCode, statusMessage, outgoing);
  }

  onResponseData(controller: DispatchController, chunk: Buffer): void {
    this.bytes += chunk.length;
    this.recording?.onChunk(chunk);
    if (this.response.destroyed) return;
    if (!this.response.write(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.settle();
    this.response.end();
    this.finish({ status: this.status, bytes: this.bytes, streamed: this.streamed, aborted: false, ...this.timing() });
  }

  onResponseError(_controller: DispatchController, error: Error): void {
    this.settle();
    const clientGone = this.response.destroyed || (error instanceof ProxyError && error.message === 'client disconnected');
    const proxyError = upstreamError(error);
    if (this.started && !clientGone) {
      // Mid-stream failure: end the client's response abruptly so its SDK reports a truncated
      // stream instead of waiting forever.
      this.response.destroy(proxyError);
    }
    this.finish({
      status: this.status,
      bytes: this.bytes,
      streamed: this.streamed,
      aborted: this.started || clientGone,
      error: proxyError,
      ...this.timing(),
    });
  }

  private timing(): { ttfbMs?: number } {
    return this.ttfbMs === undefined ? {} : { ttfbMs: this.ttfbMs };
  }

  private settle(): void {
    this.done = true;
    this.response.off('close', this.onClose);
    this.response.off('drain', this.onDrain);
  }
}
