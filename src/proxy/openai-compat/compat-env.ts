// What every OpenAI-compatible handler needs: the proxy's shared pieces plus the model router and
// the clock/id sources the pure translators are given.
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Config } from '../../config/schema.js';
import { ProxyError } from '../../errors.js';
import type { ModelRouter } from '../../translate/route-model.js';
import { readBody } from '../guards/read-body.js';
import type { ProxyMetrics } from '../metrics.js';
import type { Recorder } from '../recorder.js';
import type { ExchangeContext } from '../exchange/exchange-context.js';
import type { SignedReasoningCache } from './signed-reasoning-cache.js';

export interface CompatEnv {
  config: Config;
  agent: Dispatcher;
  logger: Logger;
  metrics: ProxyMetrics;
  recorder: Recorder | null;
  router: ModelRouter;
  now: () => number;
  generateId: () => string;
  /** Signed reasoning of the tool calls we answered, for clients that drop it (signed-reasoning-cache.ts). */
  signedReasoning: SignedReasoningCache;
}

export type CompatHandler = (env: CompatEnv, exchange: ExchangeContext) => Promise<void>;

/** Non-streamed upstream bodies (answers, errors, model lists) are read whole up to this size. */
export const MAX_UPSTREAM_JSON_BYTES = 64 * 1024 * 1024;

/** The request body (within max_body_bytes) and its JSON. */
export async function readJsonBody(env: CompatEnv, exchange: ExchangeContext): Promise<{ bytes: Buffer; json: unknown }> {
  const bytes = await readBody(exchange.request, env.config.max_body_bytes);
  try {
    return { bytes, json: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch {
    throw new ProxyError('bad_request', 'the request body is not valid JSON');
  }
}

/** Headers from an upstream answer worth passing on to an OpenAI client (its SDK honours retry-after). */
export function relayedHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const relayed: Record<string, string> = {};
  const retryAfter = headers['retry-after'];
  if (typeof retryAfter === 'string') relayed['retry-after'] = retryAfter;
  return relayed;
}

export function logWarnings(env: CompatEnv, exchange: ExchangeContext, warnings: readonly string[]): void {
  if (warnings.length === 0) return;
  exchange.log.warnings = warnings.length;
  env.logger.info({ model: exchange.log.model, provider: exchange.log.provider, warnings }, 'openai-compat: parts of the request or answer were not translated');
}
