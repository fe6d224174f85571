// The one derivation of a recorded exchange: its parsed request and (non-streaming shaped)
// response bodies become the canonical request, model response and Conversation, and from those
// the training fields stored with the record. Capture (process-exchange.ts, right after
// reassembling a stream), rebuild (rebuild-derived.ts, from the stored bodies) and export
// (export/read-record.ts) all call these, so the same bytes always give the same conversation.
// Pure: no I/O, clock or randomness.
import { buildConversation } from '../conversation/build-conversation.js';
import { finalAnswerCarriesReasoning } from '../conversation/final-answer.js';
import type { Conversation, ModelResponse, RequestConversation } from '../conversation/model.js';
import { threadKeysOf } from '../conversation/thread-key.js';
import { searchTextOf } from '../training/search-text.js';
import type { ShareGptRow } from '../training/sharegpt-types.js';
import { conversationToShareGpt } from '../training/to-sharegpt.js';
import type { WireFormat } from '../wire/wire-format.js';

export interface ExchangeBodies {
  /** The wire format that recorded the exchange; null for a call in no known chat format. */
  format: WireFormat | null;
  /** Path without the query string. */
  path: string;
  status: number;
  /** The request body parsed (undefined when it was not JSON). */
  requestJson: unknown;
  /** The response in the provider's non-streaming shape (a stream already reassembled), parsed; undefined when none or not JSON. */
  responseJson: unknown;
  /** The response was cut off (abort, recording cap, stream without its terminal event). */
  incomplete: boolean;
}

export interface ExchangeDerivation {
  request: RequestConversation;
  /** The model's answer; null when the upstream did not answer 2xx with a readable body. */
  response: ModelResponse | null;
  conversation: Conversation;
}

/** Null when the bodies are no chat conversation (unknown format, request not JSON). May throw on a converter bug. */
export function deriveConversation(bodies: ExchangeBodies): ExchangeDerivation | null {
  const { format } = bodies;
  if (format === null || bodies.requestJson === undefined) return null;
  const request = format.requestToConversation(bodies.requestJson, bodies.path);
  const answered = bodies.status >= 200 && bodies.status < 300 && bodies.responseJson !== undefined;
  const response = answered ? format.responseToModel(bodies.responseJson) : null;
  const conversation = buildConversation(request, response, { complete: !bodies.incomplete });
  return { request, response, conversation };
}

export interface TrainingFields {
  /** The derived ShareGPT row; null when the model gave no answer to train on (an error). */
  sharegpt: ShareGptRow | null;
  turnCount: number;
  hasTools: boolean;
  /** Whether the final answer carries reasoning (ExchangeRecord.responseReasoning). */
  responseReasoning: boolean;
  searchText: string;
  parentKey: string | null;
  selfKey: string | null;
}

/** The derived ShareGPT row: none when the model gave no answer to train on (an error). */
export function shareGptOfDerivation(derivation: ExchangeDerivation): ShareGptRow | null {
  const { response, conversation } = derivation;
  return response !== null && response.error === undefined ? conversationToShareGpt(conversation).row : null;
}

export function trainingFieldsOf(derivation: ExchangeDerivation): TrainingFields {
  const { request, response, conversation } = derivation;
  const keys = threadKeysOf(request, response);
  const hasTools =
    request.tools.length > 0 ||
    conversation.messages.some((message) => message.role === 'tool' || (message.role === 'assistant' && message.toolCalls.length > 0));
  const sharegpt = shareGptOfDerivation(derivation);
  return {
    sharegpt,
    turnCount: sharegpt !== null ? sharegpt.conversations.length : conversation.messages.length,
    hasTools,
    responseReasoning: finalAnswerCarriesReasoning(conversation),
    searchText: searchTextOf(conversation),
    parentKey: keys.parentKey,
    selfKey: response !== null ? keys.selfKey : null,
  };
}
