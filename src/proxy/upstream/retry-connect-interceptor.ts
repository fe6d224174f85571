// Connect retries as one undici interceptor composed onto the shared agent (the shape of undici's
// own lib/interceptor/retry.js): a request that failed before anything reached the upstream
// (refused, unreachable, DNS not ready, connect timeout) is dispatched again after a backoff of
// `backoffMs · 2^attempt`; anything else, and any failure after the response started, goes to the
// caller's handler untouched. Both entries get the policy by using the agent, none loops itself.
// Bodies are Buffers (or null) on every path, so a retried request sends the same bytes.
import type { Dispatcher } from 'undici';
import { isRetryableConnectFailure } from './classify-upstream-error.js';

type DispatchController = Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseStart']>>[0];

export interface ConnectRetryPolicy {
  retries: number;
  backoffMs: number;
}

export function retryConnectFailures(policy: ConnectRetryPolicy): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) =>
    function retryConnectInterceptor(options, handler) {
      if (policy.retries === 0) return dispatch(options, handler);
      return dispatch(options, new ConnectRetryHandler(dispatch, options, handler, policy));
    };
}

class ConnectRetryHandler implements Dispatcher.DispatchHandler {
  private attempt = 0;
  private responseStarted = false;

  constructor(
    private readonly dispatch: Dispatcher.Dispatch,
    private readonly options: Dispatcher.DispatchOptions,
    private readonly handler: Dispatcher.DispatchHandler,
    private readonly policy: ConnectRetryPolicy,
  ) {}

  // Each attempt hands its own controller on, so an abort (client gone) reaches the live attempt;
  // a caller that aborted during the backoff aborts the next attempt as it starts.
  onRequestStart(controller: DispatchController, context: unknown): void {
    this.handler.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(controller: DispatchController, statusCode: number, headers: Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestUpgrade']>>[2], socket: Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestUpgrade']>>[3]): void {
    this.handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(controller: DispatchController, statusCode: number, headers: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseStart']>>[2], statusMessage?: string): void {
    this.responseStarted = true;
    this.handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: DispatchController, chunk: Buffer): void {
    this.handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: DispatchController, trailers: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseEnd']>>[1]): void {
    this.handler.onResponseEnd?.(controller, trailers);
  }

  // A connect failure comes before any onRequestStart: there is no controller yet.
  onResponseError(controller: DispatchController | undefined, error: Error): void {
    if (!this.responseStarted && controller?.aborted !== true && this.attempt < this.policy.retries && isRetryableConnectFailure(error)) {
      const delay = this.policy.backoffMs * 2 ** this.attempt;
      this.attempt++;
      setTimeout(() => this.dispatch(this.options, this), delay).unref();
      return;
    }
    this.handler.onResponseError?.(controller as DispatchController, error);
  }
}
