// The Anthropic Messages wire format (also Moonshot's and others' /anthropic/v1/messages).
import type { WireFormat } from '../wire-format.js';
import { createStreamAssembler } from './assemble-stream.js';
import { usageOf } from './convert-usage.js';
import { isStreamRequest, matchesPath, modelOf } from './match-request.js';
import { requestToConversation } from './request-to-conversation.js';
import { responseToModel } from './response-to-model.js';
import { createTerminalWatch } from './detect-terminal-event.js';
import { errorBody } from './error-body.js';

export const anthropicMessagesFormat: WireFormat = {
  id: 'anthropic-messages',
  matchesPath,
  isStreamRequest,
  modelOf,
  requestToConversation: (body) => requestToConversation(body),
  responseToModel,
  usageOf,
  createStreamAssembler,
  createTerminalWatch,
  errorBody,
};
