// Which wire format (and API kind) a request speaks, from its method and path alone: the proxy
// core asks here and never names a provider itself.
import type { ApiKind } from '../capture/exchange.js';
import { WIRE_FORMATS } from './registry.js';
import type { WireFormat } from './wire-format.js';

export function detectWireFormat(method: string, path: string): WireFormat | null {
  for (const format of WIRE_FORMATS) if (format.matchesPath(method, path)) return format;
  return null;
}

const EMBEDDINGS = /\/embeddings$|:(?:embedContent|batchEmbedContents)$|\/embed$/;
const RERANK = /\/rerank$/;

export function detectApiKind(path: string, format: WireFormat | null): ApiKind {
  if (format) return 'chat';
  if (EMBEDDINGS.test(path)) return 'embeddings';
  if (RERANK.test(path)) return 'rerank';
  return 'other';
}
