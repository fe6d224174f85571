// One recorded exchange → the attributes of its OpenTelemetry span, in the GenAI semantic
// conventions (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/) plus the HTTP
// and server ones. Pure: the record already holds the model and usage the recording side parsed,
// so the proxy's hot path does no extra work for tracing.
import type { ExchangeRecord } from '../capture/exchange.js';

export type SpanAttributes = Record<string, string | number | boolean>;

/** gen_ai.system values of the conventions, for the providers whose domains we know. */
const SYSTEM_OF_DOMAIN: Record<string, string> = {
  'api.openai.com': 'openai',
  'api.anthropic.com': 'anthropic',
  'generativelanguage.googleapis.com': 'gcp.gemini',
  'api.deepseek.com': 'deepseek',
  'models.inference.ai.azure.com': 'az.ai.inference',
};

export function genAiSystemOf(record: Pick<ExchangeRecord, 'domain' | 'wireFormat' | 'upstreamProvider'>): string {
  if (record.upstreamProvider === 'google') return 'gcp.gemini';
  if (record.upstreamProvider === 'anthropic') return 'anthropic';
  const known = SYSTEM_OF_DOMAIN[record.domain];
  if (known) return known;
  if (record.wireFormat === 'gemini') return 'gcp.gemini';
  if (record.wireFormat === 'anthropic-messages') return 'anthropic';
  return 'openai';
}

const OPERATION: Partial<Record<ExchangeRecord['apiKind'], string>> = { chat: 'chat', embeddings: 'embeddings' };

export interface ExchangeSpan {
  name: string;
  startTime: number;
  endTime: number;
  attributes: SpanAttributes;
  error: string | null;
}

export function exchangeSpanOf(record: ExchangeRecord): ExchangeSpan {
  const operation = OPERATION[record.apiKind];
  const [host, port] = splitAuthority(record.domain);
  const attributes: SpanAttributes = {
    'gen_ai.system': genAiSystemOf(record),
    'server.address': host,
    'http.request.method': record.method,
    'url.path': record.path.split('?')[0] ?? record.path,
    'llm_proxy.streamed': record.streamed,
    'llm_proxy.incomplete': record.incomplete,
    'llm_proxy.record_id': record.id,
  };
  if (port !== undefined) attributes['server.port'] = port;
  if (operation) attributes['gen_ai.operation.name'] = operation;
  if (record.model) attributes['gen_ai.request.model'] = record.model;
  if (record.status > 0) attributes['http.response.status_code'] = record.status;
  if (record.usage?.inputTokens !== undefined) attributes['gen_ai.usage.input_tokens'] = record.usage.inputTokens;
  if (record.usage?.outputTokens !== undefined) attributes['gen_ai.usage.output_tokens'] = record.usage.outputTokens;
  if (record.ttfbMs !== null) attributes['llm_proxy.ttfb_ms'] = Math.round(record.ttfbMs);
  const error = record.error?.class ?? (record.status >= 400 ? String(record.status) : null);
  if (error) attributes['error.type'] = error;
  return {
    // "{gen_ai.operation.name} {gen_ai.request.model}" per the conventions; else the HTTP form.
    name: operation && record.model ? `${operation} ${record.model}` : `${record.method} ${record.domain}`,
    startTime: record.startedAt,
    endTime: record.startedAt + Math.max(0, record.durationMs),
    attributes,
    error,
  };
}

function splitAuthority(authority: string): [string, number | undefined] {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(authority);
  if (!match) return [authority, undefined];
  return [match[1]!, match[2] === undefined ? undefined : Number(match[2])];
}
