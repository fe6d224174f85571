// OpenAI chat completions ↔ Anthropic Messages.
import type { ChatTranslator } from '../provider-translator.js';
import { anthropicErrorToOpenAi } from './anthropic-error-to-openai.js';
import { anthropicModelsRequest, anthropicModelsToOpenAi } from './anthropic-models-to-openai.js';
import { anthropicResponseToChat } from './anthropic-response-to-chat.js';
import { createAnthropicStreamTranslator } from './anthropic-stream-to-chunks.js';
import { chatRequestToAnthropic } from './chat-request-to-anthropic.js';

export const anthropicTranslator: ChatTranslator = {
  authType: 'anthropic',
  chatRequest: chatRequestToAnthropic,
  chatResponse: anthropicResponseToChat,
  createStreamTranslator: createAnthropicStreamTranslator,
  errorBody: anthropicErrorToOpenAi,
  modelsRequest: anthropicModelsRequest,
  modelsResponse: anthropicModelsToOpenAi,
};
