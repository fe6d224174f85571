// Optional OTLP/HTTP export of one span per recorded exchange (config `telemetry`, off unless set).
// Runs where records are made (the recording worker thread, or the cluster primary's), with the
// official SDK: a batch span processor, so exporting never waits on the collector per span.
// The OpenTelemetry packages are imported only when tracing is configured.
import type { ExchangeRecord } from '../capture/exchange.js';
import { exchangeSpanOf } from './exchange-span.js';

export interface TelemetryOptions {
  /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces. */
  otlpEndpoint: string;
  serviceName: string;
  headers?: Record<string, string>;
  /** Batch export delay (ms); the SDK default is 5000. */
  exportDelayMs?: number;
}

export interface ExchangeTracer {
  record(record: ExchangeRecord): void;
  /** Exports what is pending and stops. */
  shutdown(): Promise<void>;
}

export async function createExchangeTracer(options: TelemetryOptions): Promise<ExchangeTracer> {
  const [{ BasicTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }, { SpanKind, SpanStatusCode }] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/api'),
  ]);
  const exporter = new OTLPTraceExporter({ url: options.otlpEndpoint, ...(options.headers ? { headers: options.headers } : {}) });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: options.exportDelayMs ?? 5_000 })],
  });
  const tracer = provider.getTracer('llm-proxy-sharegpt');
  return {
    record(record) {
      const span = exchangeSpanOf(record);
      const otelSpan = tracer.startSpan(span.name, { kind: SpanKind.CLIENT, startTime: span.startTime, attributes: span.attributes });
      if (span.error) otelSpan.setStatus({ code: SpanStatusCode.ERROR, message: span.error });
      otelSpan.end(span.endTime);
    },
    async shutdown() {
      await provider.shutdown();
    },
  };
}
