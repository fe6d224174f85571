// Upstream SSE (Gemini or Anthropic) → translated OpenAI chunks → the client, one upstream chunk
// at a time: each chunk is decoded, translated and written before the next is read, so a slow
// client slows the upstream read (backpressure) and nothing is buffered beyond one chunk. A client
// that leaves aborts the upstream (the exchange's signal); an upstream that breaks or stops before
// its terminal event breaks the client's stream instead of ending it cleanly. The encoder writes
// what the client speaks: chat completion chunks (the default) or Responses API events.
import type { Dispatcher } from 'undici';
import { ProxyError } from '../../errors.js';
import { createSseDecoder } from '../../sse/decode-sse.js';
import { encodeStreamEvents, type OpenAiStreamEvent } from '../../translate/openai-chat-response.js';
import type { ChatStreamTranslator } from '../../translate/provider-translator.js';
import { upstreamError } from '../upstream/classify-upstream-error.js';
import type { ExchangeContext } from '../exchange/exchange-context.js';

/** Turns the translated chat stream events into the client's SSE text. */
export interface ClientStreamEncoder {
  open(): string;
  events(events: readonly OpenAiStreamEvent[]): string;
  /** After the last events of a complete stream. */
  close(): string;
}

export const CHAT_CHUNK_ENCODER: ClientStreamEncoder = { open: () => '', events: encodeStreamEvents, close: () => '' };

/** Returns the translator's warnings (unusual finish reasons, dropped parts). */
export async function pipeTranslatedStream(
  upstreamBody: Dispatcher.ResponseData['body'],
  translator: ChatStreamTranslator,
  exchange: ExchangeContext,
  encoder: ClientStreamEncoder = CHAT_CHUNK_ENCODER,
): Promise<string[]> {
  let pending: OpenAiStreamEvent[] = [];
  const decoder = createSseDecoder((event) => {
    pending.push(...translator.push(event));
  });
  const flush = async () => {
    if (pending.length === 0) return;
    const text = encoder.events(pending);
    pending = [];
    await exchange.write(text);
  };

  exchange.beginStream();
  await exchange.write(encoder.open());
  try {
    for await (const chunk of upstreamBody) {
      decoder.feed(chunk as Buffer);
      await flush();
      if (exchange.clientGone) break;
    }
  } catch (error) {
    if (!exchange.clientGone) exchange.breakStream(upstreamError(error));
    return translator.finish().warnings;
  }
  if (exchange.clientGone) {
    upstreamBody.destroy();
    return translator.finish().warnings;
  }
  decoder.end();
  await flush();
  const end = translator.finish();
  if (!end.complete) {
    exchange.breakStream(new ProxyError('upstream_failed', 'the upstream stream ended before its final event'));
    return end.warnings;
  }
  pending = end.events;
  await flush();
  await exchange.write(encoder.close());
  exchange.endStream();
  return end.warnings;
}
