// A translated chat completion as the Responses API response the client asked for: reasoning
// first (its summary; Anthropic's signed blocks or the calls' Gemini thought signatures in
// `encrypted_content`, reasoning-carrier.ts), then the text message,
// then one function_call item per tool call. Ids come from the injected `generateId`.
import type { ChatCompletion } from '../openai-chat-response.js';
import { signaturesToEncryptedContent, thinkingBlocksToEncryptedContent } from './reasoning-carrier.js';
import { emptyResponse, statusOf, toResponsesUsage, type OutputItem, type ResponseHeader, type ResponseObject } from './responses-shapes.js';

export function chatCompletionToResponse(completion: ChatCompletion, header: ResponseHeader, generateId: () => string): ResponseObject {
  const choice = completion.choices[0];
  const message = choice?.message;
  const output: OutputItem[] = [];
  const signatures = Object.fromEntries((message?.tool_calls ?? []).flatMap((call) => (call.extra_content?.google.thought_signature !== undefined ? [[call.id, call.extra_content.google.thought_signature]] : [])));
  const signed = Object.keys(signatures).length > 0;
  if (message?.reasoning_content !== undefined || message?.thinking_blocks !== undefined || signed) {
    const encrypted = message?.thinking_blocks && message.thinking_blocks.length > 0 ? thinkingBlocksToEncryptedContent(message.thinking_blocks) : signed ? signaturesToEncryptedContent(signatures) : undefined;
    output.push({
      id: `rs_${generateId()}`,
      type: 'reasoning',
      summary: message?.reasoning_content ? [{ type: 'summary_text', text: message.reasoning_content }] : [],
      ...(encrypted !== undefined ? { encrypted_content: encrypted } : {}),
    });
  }
  if (message?.content !== null && message?.content !== undefined && message.content !== '') {
    output.push({ id: `msg_${generateId()}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: message.content, annotations: [] }] });
  }
  for (const call of message?.tool_calls ?? []) {
    output.push({ id: `fc_${generateId()}`, type: 'function_call', status: 'completed', call_id: call.id, name: call.function.name, arguments: call.function.arguments });
  }
  return {
    ...emptyResponse({ ...header, model: completion.model || header.model }),
    ...statusOf(choice?.finish_reason),
    output,
    usage: toResponsesUsage(completion.usage),
  };
}
