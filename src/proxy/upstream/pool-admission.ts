// Admission to an origin's connection pool, composed onto the shared agent. Each in-flight request
// holds one HTTP/1.1 connection, so at most `connections_per_origin` run per origin; the next ones
// wait in a FIFO for a slot, at most `queue_wait_ms`, and are then answered 503 upstream_busy (with
// Retry-After) instead of waiting silently inside undici's pool until the client gives up.
import type { Dispatcher } from 'undici';
import { ProxyError } from '../../errors.js';

type Handler = Dispatcher.DispatchHandler;
type Controller = Parameters<NonNullable<Handler['onResponseError']>>[0];

export interface AdmissionCounters {
  upstreamQueueTimeouts: number;
  upstreamQueued: number;
}

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
}

interface OriginState {
  active: number;
  waiting: Waiter[];
}

/** Stands in for undici's controller when a request is refused before undici ever saw it. */
const NO_CONTROLLER: Controller = {
  abort() {},
  pause() {},
  resume() {},
  get aborted() {
    return true;
  },
  get paused() {
    return false;
  },
  get reason() {
    return null;
  },
} as unknown as Controller;

export function createPoolAdmission(options: { limit: number; waitMs: number; counters?: AdmissionCounters }): Dispatcher.DispatcherComposeInterceptor {
  const origins = new Map<string, OriginState>();

  const release = (key: string, state: OriginState) => {
    state.active--;
    const next = state.waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      if (options.counters) options.counters.upstreamQueued--;
      next.start();
    } else if (state.active === 0) {
      origins.delete(key);
    }
  };

  return (dispatch) => (dispatchOptions, handler) => {
    const key = String(dispatchOptions.origin ?? '');
    let state = origins.get(key);
    if (!state) {
      state = { active: 0, waiting: [] };
      origins.set(key, state);
    }
    const owner = state;
    const start = () => {
      owner.active++;
      dispatch(dispatchOptions, new ReleasingHandler(handler, () => release(key, owner)));
    };
    if (owner.active < options.limit) {
      start();
      return true;
    }
    if (options.counters) options.counters.upstreamQueued++;
    const waiter: Waiter = {
      start,
      timer: setTimeout(() => {
        owner.waiting.splice(owner.waiting.indexOf(waiter), 1);
        if (options.counters) {
          options.counters.upstreamQueued--;
          options.counters.upstreamQueueTimeouts++;
        }
        if (owner.active === 0 && owner.waiting.length === 0) origins.delete(key);
        handler.onResponseError?.(
          NO_CONTROLLER,
          new ProxyError(
            'upstream_busy',
            `all ${options.limit} connections to ${key} are busy and none freed up within ${options.waitMs} ms; retry later, or raise "upstream.connections_per_origin" / "upstream.queue_wait_ms" in config.json`,
          ),
        );
      }, options.waitMs),
    };
    waiter.timer.unref();
    owner.waiting.push(waiter);
    return true;
  };
}

/** Passes everything through and frees the slot exactly once, when the exchange is over either way. */
class ReleasingHandler implements Handler {
  private released = false;

  constructor(
    private readonly inner: Handler,
    private readonly onRelease: () => void,
  ) {}

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
  }

  onRequestStart(controller: Parameters<NonNullable<Handler['onRequestStart']>>[0], context: unknown): void {
    this.inner.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(...args: Parameters<NonNullable<Handler['onRequestUpgrade']>>): void {
    this.release();
    this.inner.onRequestUpgrade?.(...args);
  }

  onResponseStart(...args: Parameters<NonNullable<Handler['onResponseStart']>>): void {
    this.inner.onResponseStart?.(...args);
  }

  onResponseData(...args: Parameters<NonNullable<Handler['onResponseData']>>): void {
    this.inner.onResponseData?.(...args);
  }

  onResponseEnd(...args: Parameters<NonNullable<Handler['onResponseEnd']>>): void {
    this.release();
    this.inner.onResponseEnd?.(...args);
  }

  onResponseError(...args: Parameters<NonNullable<Handler['onResponseError']>>): void {
    this.release();
    this.inner.onResponseError?.(...args);
  }
}
