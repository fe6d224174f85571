// Anthropic Messages response → OpenAI `chat.completion`. https://docs.anthropic.com/en/api/messages
//   text blocks              → message.content (concatenated; null when none)
//   thinking blocks          → message.reasoning_content, and message.thinking_blocks with their
//                              signatures (redacted_thinking too) so a tool loop can send them back
//   tool_use blocks          → message.tool_calls (Anthropic's toolu_ ids kept: they come back as
//                              tool_call_id and map straight to tool_use_id)
//   the JSON-mode tool       → its input, serialised, is message.content (finish_reason stop)
//   stop_reason              → finish_reason (map-anthropic-stop-reason.ts)
//   usage                    → usage (anthropic-usage-to-openai.ts)
//   id / model               → chatcmpl-<id> / model
import { asArray, asObject, asString } from '../../wire/shared/read-json.js';
import type { ThinkingBlock } from '../openai-chat-request.js';
import type { ChatCompletion, ChatCompletionMessage, ResponseToolCall } from '../openai-chat-response.js';
import type { TranslationContext } from '../provider-translator.js';
import { anthropicUsageToOpenAi } from './anthropic-usage-to-openai.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';

export function anthropicResponseToChat(body: unknown, context: TranslationContext): { completion: ChatCompletion; warnings: string[] } {
  const response = asObject(body);
  const warnings: string[] = [];
  let text = '';
  let reasoning = '';
  const thinkingBlocks: ThinkingBlock[] = [];
  const toolCalls: ResponseToolCall[] = [];
  for (const raw of asArray(response.content)) {
    const block = asObject(raw);
    switch (block.type) {
      case 'text':
        text += asString(block.text) ?? '';
        break;
      case 'thinking': {
        const thinking = asString(block.thinking) ?? '';
        reasoning += thinking;
        const signature = asString(block.signature);
        thinkingBlocks.push({ type: 'thinking', thinking, ...(signature !== undefined ? { signature } : {}) });
        break;
      }
      case 'redacted_thinking':
        thinkingBlocks.push({ type: 'redacted_thinking', data: asString(block.data) ?? '' });
        break;
      case 'tool_use': {
        const name = asString(block.name) ?? '';
        const input = JSON.stringify(block.input ?? {});
        if (context.jsonToolName !== undefined && name === context.jsonToolName) text += input;
        else toolCalls.push({ id: asString(block.id) ?? `call_${context.generateId()}`, type: 'function', function: { name, arguments: input } });
        break;
      }
      default:
        warnings.push(`content block of type "${String(block.type)}" has no OpenAI chat equivalent and was dropped`);
    }
  }

  const message: ChatCompletionMessage = { role: 'assistant', content: text === '' ? null : text, refusal: null };
  if (reasoning !== '') message.reasoning_content = reasoning;
  if (thinkingBlocks.length > 0) message.thinking_blocks = thinkingBlocks;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const stopReason = asString(response.stop_reason);
  const { finishReason, unusual } = mapAnthropicStopReason(stopReason, toolCalls.length > 0);
  if (unusual) warnings.push(`stop_reason ${String(stopReason)} answered as "${finishReason}"`);

  const id = asString(response.id);
  const completion: ChatCompletion = {
    id: `chatcmpl-${id ?? context.generateId()}`,
    object: 'chat.completion',
    created: Math.floor(context.now / 1000),
    model: asString(response.model) ?? context.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
  };
  const usage = anthropicUsageToOpenAi(response.usage);
  if (usage) completion.usage = usage;
  return { completion, warnings };
}
