// The OpenAI Responses API wire format (`POST …/responses`).
import { asObject, asString } from '../shared/read-json.js';
import type { WireFormat } from '../wire-format.js';
import { createResponsesStreamAssembler } from './assemble-stream.js';
import { requestToConversation } from './request-to-conversation.js';
import { responseToModel } from './response-to-model.js';
import { usageOf } from './usage-of.js';
import { errorBody } from '../openai-chat/error-body.js';
import { createTerminalWatch } from './detect-terminal-event.js';

export const openaiResponsesFormat: WireFormat = {
  id: 'openai-responses',
  matchesPath: (method, path) => method.toUpperCase() === 'POST' && path.replace(/\/+$/, '').endsWith('/responses'),
  isStreamRequest: (_path, body) => asObject(body).stream === true,
  modelOf: (_path, body) => asString(asObject(body).model),
  requestToConversation: (body) => requestToConversation(body),
  responseToModel,
  usageOf,
  createStreamAssembler: createResponsesStreamAssembler,
  createTerminalWatch,
  // The Responses API answers errors in chat's shape.
  errorBody,
};
