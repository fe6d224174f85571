// The derivation of a stored record, from its stored bodies with the record's own verdicts
// (format, status, cut off): the stored response is already the provider's non-streaming shape
// (a stream was reassembled at capture), so capture's derivation (derive-conversation.ts) applies
// as it is. Rebuild (rebuild-derived.ts) re-derives every training field from it; everything that
// shows, scans or exports a record's ShareGPT row derives the row from it (derivedShareGptOf).
// Pure: no I/O.
import type { StoredExchange } from './exchange.js';
import { CONVERTER_VERSION } from '../training/converter-version.js';
import type { ShareGptRow } from '../training/sharegpt-types.js';
import { parseJsonLoosely } from '../wire/shared/read-json.js';
import { wireFormatById } from '../wire/registry.js';
import { type ExchangeDerivation, deriveConversation, shareGptOfDerivation } from './derive-conversation.js';

/** The record's conversation from its stored bodies; null for no chat exchange, 'failed' on a converter bug. */
export function derivationOf(record: StoredExchange): ExchangeDerivation | null | 'failed' {
  if (record.wireFormat === 'other' || !record.requestIsJson) return null;
  try {
    return deriveConversation({
      format: wireFormatById(record.wireFormat),
      path: record.path.split('?')[0] ?? record.path,
      status: record.status,
      requestJson: parseJsonLoosely(record.requestBody),
      responseJson: record.responseBody === '' ? undefined : parseJsonLoosely(record.responseBody),
      incomplete: record.incomplete,
    });
  } catch {
    return 'failed';
  }
}

/**
 * Whether a store keeps a record's derived ShareGPT row. One the current converter derived is a
 * function of the bodies, derived again when read (derivedShareGptOf): stored, it was 15-20% of
 * the database and a quarter of the writer's time. A row from another converter version (a
 * record copied by `migrate`, or re-derived by an older build) cannot be derived again as it was,
 * so it is kept.
 */
export function keepsShareGptRow(converterVersion: number): boolean {
  return converterVersion !== CONVERTER_VERSION;
}

/**
 * A stored record's derived ShareGPT row as recorded: the one its store kept (keepsShareGptRow),
 * else derived from the bodies as capture derived it. Null when there is no answer to train on,
 * or the converter fails on the bodies. (The export re-derives a row of an older converter:
 * export/read-record.ts.)
 */
export function derivedShareGptOf(record: StoredExchange): ShareGptRow | null {
  if (record.sharegpt !== null) return record.sharegpt;
  const derivation = derivationOf(record);
  if (derivation === null || derivation === 'failed') return null;
  try {
    return shareGptOfDerivation(derivation);
  } catch {
    return null;
  }
}
