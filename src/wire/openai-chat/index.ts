// The OpenAI chat completions wire format (`POST …/chat/completions`), also spoken by DeepSeek,
// Moonshot, SiliconFlow, DashScope compatible-mode, GitHub Models, Gemini's OpenAI endpoint...
import { asObject, asString } from '../shared/read-json.js';
import type { WireFormat } from '../wire-format.js';
import { createChatStreamAssembler } from './assemble-stream.js';
import { requestToConversation } from './request-to-conversation.js';
import { responseToModel } from './response-to-model.js';
import { usageOf } from './usage-of.js';
import { createTerminalWatch } from './detect-terminal-event.js';
import { errorBody } from './error-body.js';

export const openaiChatFormat: WireFormat = {
  id: 'openai-chat',
  matchesPath: (method, path) =>
    method.toUpperCase() === 'POST' && path.replace(/\/+$/, '').endsWith('/chat/completions'),
  isStreamRequest: (_path, body) => asObject(body).stream === true,
  modelOf: (_path, body) => asString(asObject(body).model),
  requestToConversation: (body) => requestToConversation(body),
  responseToModel,
  usageOf,
  createStreamAssembler: createChatStreamAssembler,
  createTerminalWatch,
  errorBody,
};
