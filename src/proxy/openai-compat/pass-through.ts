// `provider: openai` routes: the client's request goes unchanged to https://{domain}{path} and the
// answer comes back unchanged, piped by the dynamic proxy's own forwarder (upstream/forward.ts),
// recorded like any proxied exchange.
import type { CompatRoute } from '../../translate/route-model.js';
import { forwardUpstream } from '../upstream/forward.js';
import type { CompatEnv } from './compat-env.js';
import type { ExchangeContext } from '../exchange/exchange-context.js';
import type { RouteTarget } from './resolve-route-target.js';
import { forwardedHeaders } from '../upstream/forwarded-headers.js';

export async function passThrough(env: CompatEnv, exchange: ExchangeContext, route: CompatRoute, target: RouteTarget, path: string, body: Buffer | null): Promise<void> {
  const method = exchange.request.method ?? 'POST';
  if (body !== null) {
    exchange.startRecording({
      domain: target.authority,
      pathAndQuery: path,
      requestBody: body,
      requestContentType: exchange.request.headers['content-type'],
      upstreamProvider: route.provider,
    });
  }
  const result = await forwardUpstream(
    env.agent,
    {
      origin: target.origin,
      pathAndQuery: path,
      method,
      headers: forwardedHeaders(exchange.request),
      body,
    },
    exchange.response,
    exchange.recording,
    exchange.startTime,
  );
  exchange.settleForwarded(result);
}
