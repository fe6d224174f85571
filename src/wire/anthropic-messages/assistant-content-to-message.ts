// Assistant content blocks (a request's history turn or a response's `content`) to the canonical
// AssistantMessage. Shared by request-to-conversation and response-to-model so both read alike.
// Reasoning: `thinking` text is kept as reasoning; `redacted_thinking` is encrypted and dropped from
// it with a warning (formats.md section 4). Both blocks, signed, are kept in `reasoningBlocks` for
// a client that must send them back (the OpenAI-compatible entry's thinking_blocks).
// Text: adjacent text blocks (a reply split at its citations) are one run, joined as sent; text
// after any other block (server tool use and its result, thinking, a call) starts a new run, so
// "…what it's about." and "This Wikipedia page is…" are rendered a blank line apart.
import type { AssistantMessage, ReasoningBlock } from '../../conversation/model.js';
import { appendText } from '../shared/assistant-text.js';
import { parseToolArguments } from '../shared/parse-tool-arguments.js';
import { asArray, asObject, asString } from '../shared/read-json.js';
import { imageBlockToPart } from './convert-image-block.js';

export function assistantContentToMessage(
  content: unknown,
  warnings: string[],
  where: string,
): AssistantMessage {
  const message: AssistantMessage = { role: 'assistant', parts: [], toolCalls: [] };
  if (typeof content === 'string') {
    if (content !== '') message.parts.push({ type: 'text', text: content });
    return message;
  }
  const reasoning: string[] = [];
  const reasoningBlocks: ReasoningBlock[] = [];
  let previousWasText = false;
  for (const raw of asArray(content)) {
    const block = asObject(raw);
    const type = asString(block.type);
    const isText = type === 'text';
    switch (type) {
      case 'text':
        appendText(message.parts, asString(block.text) ?? '', previousWasText);
        break;
      case 'thinking': {
        const thinking = asString(block.thinking) ?? '';
        if (thinking !== '') reasoning.push(thinking);
        const signature = asString(block.signature);
        reasoningBlocks.push({ type: 'thinking', thinking, ...(signature !== undefined ? { signature } : {}) });
        break;
      }
      case 'redacted_thinking':
        warnings.push(`${where}: redacted_thinking block dropped (its content is encrypted)`);
        reasoningBlocks.push({ type: 'redacted_thinking', data: asString(block.data) ?? '' });
        break;
      case 'tool_use': {
        const id = asString(block.id);
        const name = asString(block.name) ?? '';
        // A streamed input whose JSON did not parse arrives here as the raw string.
        const parsed = parseToolArguments(block.input);
        if (parsed.argumentsInvalid) {
          warnings.push(`${where}: tool_use ${id ?? name} input is not valid JSON; kept raw`);
        }
        message.toolCalls.push({
          ...(id !== undefined ? { id } : {}),
          name,
          arguments: parsed.arguments,
          ...(parsed.argumentsInvalid ? { argumentsInvalid: true } : {}),
          ...(parsed.argumentsText !== undefined ? { argumentsText: parsed.argumentsText } : {}),
        });
        break;
      }
      case 'image': {
        const part = imageBlockToPart(block);
        if ('dropped' in part) warnings.push(`${where}: ${part.dropped} dropped`);
        else message.parts.push(part);
        break;
      }
      default:
        // server_tool_use, web_search_tool_result, mcp_tool_use...: run on Anthropic's side.
        warnings.push(`${where}: ${type ?? 'untyped'} block dropped`);
    }
    previousWasText = isText;
  }
  if (reasoning.length > 0) message.reasoning = reasoning.join('\n\n');
  if (reasoningBlocks.length > 0) message.reasoningBlocks = reasoningBlocks;
  return message;
}
