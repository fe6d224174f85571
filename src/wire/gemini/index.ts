// The Google Gemini native wire format: generateContent / streamGenerateContent.
import type { WireFormat } from '../wire-format.js';
import { createStreamAssembler } from './assemble-stream.js';
import { usageOf } from './convert-usage.js';
import { isStreamRequest, matchesPath, modelOf } from './match-request.js';
import { requestToConversation } from './request-to-conversation.js';
import { responseToModel } from './response-to-model.js';

export const geminiFormat: WireFormat = {
  id: 'gemini',
  matchesPath,
  isStreamRequest,
  modelOf,
  requestToConversation,
  responseToModel,
  usageOf,
  createStreamAssembler,
};
