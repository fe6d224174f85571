// A stored exchange read back for export: its canonical Conversation (from the recorded request
// and response bodies, through the derivation capture used: capture/derive-conversation.ts) and what the exchange itself
// says about its fitness for training (formats.md 5.2 step 4: no error, not cut off, not stopped
// by the token limit or a filter). Also which ShareGPT row to export: the human edit when there
// is one, else the stored derived row, re-derived when an older converter wrote it.
import type { StoredExchange } from '../capture/exchange.js';
import { deriveConversation } from '../capture/derive-conversation.js';
import type { Conversation } from '../conversation/model.js';
import { CONVERTER_VERSION } from '../training/converter-version.js';
import type { ShareGptRow } from '../training/sharegpt-types.js';
import { conversationToShareGpt } from '../training/to-sharegpt.js';
import { wireFormatById } from '../wire/registry.js';
import type { ExportReasonCode } from './export-reasons.js';
import { parseJsonExact, parseJsonLoosely } from '../wire/shared/read-json.js';

export interface ExportReason {
  code: string;
  message: string;
}

export interface RecordReading {
  /** null when the bodies cannot be read as a chat conversation. */
  conversation: Conversation | null;
  /** Reasons the recorded exchange cannot train a model, whatever its rows look like. */
  exclusions: ExportReason[];
}

export function readRecord(record: StoredExchange): RecordReading {
  const exclusions: ExportReason[] = [];
  const exclude = (code: ExportReasonCode, message: string): void => {
    if (!exclusions.some((reason) => reason.code === code)) exclusions.push({ code, message });
  };
  if (record.error !== null) exclude('exchange-error', `${record.error.class}: ${record.error.message}`);
  else if (record.status < 200 || record.status >= 300) exclude('exchange-error', `the upstream answered HTTP ${record.status}`);
  if (record.incomplete) exclude('exchange-incomplete', 'the response was cut off before its end');

  if (record.wireFormat === 'other' || !record.requestIsJson) {
    exclude('no-conversation', `not a chat exchange in a known wire format (${record.method} ${record.path})`);
    return { conversation: null, exclusions };
  }
  try {
    const derivation = deriveConversation({
      format: wireFormatById(record.wireFormat),
      path: record.path.split('?')[0] ?? record.path,
      status: record.status,
      requestJson: parseJsonExact(record.requestBody),
      responseJson: parseJsonLoosely(record.responseBody),
      incomplete: record.incomplete,
    });
    if (derivation === null) throw new Error('the request body is not JSON');
    const { response, conversation } = derivation;
    if (response === null) exclude('exchange-error', 'no readable response body was recorded');
    else if (response.error !== undefined) exclude('exchange-error', `${response.error.type}: ${response.error.message}`);
    const finish = response?.finishReason;
    if (finish?.unified === 'length') exclude('finish-length', `finish reason ${finish.raw ?? 'length'}: the answer is cut at the token limit`);
    if (finish?.unified === 'content_filter') exclude('finish-content-filter', `finish reason ${finish.raw ?? 'content_filter'}`);
    if (finish?.unified === 'error') exclude('exchange-error', `finish reason ${finish.raw ?? 'error'}`);
    if (!hasUserTurn(conversation)) exclude('no-user-turn', 'the recorded request holds no user message with text or an image');
    return { conversation, exclusions };
  } catch (error) {
    exclude('no-conversation', `the recorded bodies could not be read: ${(error as Error).message}`);
    return { conversation: null, exclusions };
  }
}

export interface ShareGptSource {
  row: ShareGptRow | unknown;
  /** True for a human edit: the reviewer's row is exported even when the exchange had a problem. */
  edited: boolean;
}

export function shareGptSourceOf(record: StoredExchange, reading: RecordReading): ShareGptSource | null {
  if (record.editedSharegpt !== null) return { row: record.editedSharegpt, edited: true };
  if (record.sharegpt !== null && record.converterVersion === CONVERTER_VERSION) return { row: record.sharegpt, edited: false };
  if (reading.conversation !== null) return { row: conversationToShareGpt(reading.conversation).row, edited: false };
  return null;
}


/** Every export format needs the human side: ShareGPT's first turn is human, OpenAI's rows need a user message. */
function hasUserTurn(conversation: Conversation): boolean {
  return conversation.messages.some(
    (message) => message.role === 'user' && message.parts.some((part) => part.type === 'image' || part.text.trim() !== ''),
  );
}
