// OpenAI and the many APIs that speak its wire formats (chat completions, Responses): the client's
// `Authorization: Bearer KEY` is what they expect, so it passes through unchanged.
import type { Provider } from './provider.js';

export const openaiProvider: Provider = {
  id: 'openai',
  wireFormat: 'openai-chat',
  credentialHeaders: ['authorization'],
  convertAuth() {
    // Authorization passes through unchanged.
  },
  defaultDomains: [
    'api.openai.com',
    // Codex signed in with ChatGPT: the Responses API under /backend-api/codex/responses
    // (openai/codex codex-rs: `chatgpt_base_url` https://chatgpt.com/backend-api/; README, "Coding agents").
    'chatgpt.com',
    'api.deepseek.com',
    'api.siliconflow.cn',
    'dashscope.aliyuncs.com',
    'models.inference.ai.azure.com',
    'api.jina.ai',
    'deepsearch.jina.ai',
  ],
  // The fallback: whatever no other provider claims is taken for OpenAI's API.
  claimsPath: () => true,
};
