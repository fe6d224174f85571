// OpenAI chat completions ↔ Google Gemini (generateContent / streamGenerateContent?alt=sse).
import type { ChatTranslator } from '../provider-translator.js';
import { chatRequestToGemini } from './chat-request-to-gemini.js';
import { embeddingsRequestToGemini, geminiEmbeddingsToOpenAi } from './embeddings-to-gemini.js';
import { geminiErrorToOpenAi } from './gemini-error-to-openai.js';
import { geminiModelsRequest, geminiModelsToOpenAi } from './gemini-models-to-openai.js';
import { geminiResponseToChat } from './gemini-response-to-chat.js';
import { createGeminiStreamTranslator } from './gemini-stream-to-chunks.js';

export const geminiTranslator: ChatTranslator = {
  authType: 'google',
  chatRequest: chatRequestToGemini,
  chatResponse: geminiResponseToChat,
  createStreamTranslator: createGeminiStreamTranslator,
  errorBody: geminiErrorToOpenAi,
  modelsRequest: geminiModelsRequest,
  modelsResponse: geminiModelsToOpenAi,
  embeddingsRequest: embeddingsRequestToGemini,
  embeddingsResponse: geminiEmbeddingsToOpenAi,
};
