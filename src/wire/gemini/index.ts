// The Google Gemini native wire format: generateContent / streamGenerateContent.
import type { WireFormat } from '../wire-format.js';
import { createStreamAssembler } from './assemble-stream.js';
import { usageOf } from './convert-usage.js';
import { isStreamRequest, matchesPath, modelOf } from './match-request.js';
import { requestToConversation } from './request-to-conversation.js';
import { responseToModel } from './response-to-model.js';
import { createTerminalWatch } from './detect-terminal-event.js';
import { errorBody } from './error-body.js';

export const geminiFormat: WireFormat = {
  id: 'gemini',
  matchesPath,
  isStreamRequest,
  modelOf,
  requestToConversation,
  responseToModel,
  usageOf,
  createStreamAssembler,
  createTerminalWatch,
  errorBody,
  // Without `?alt=sse`, :streamGenerateContent answers one JSON array sent in pieces.
  isJsonArrayStream: (path) => path.includes(':streamGenerateContent'),
};
