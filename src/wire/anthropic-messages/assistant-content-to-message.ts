// Assistant content blocks (a request's history turn or a response's `content`) to the canonical
// AssistantMessage. Shared by request-to-conversation and response-to-model so both read alike.
// Reasoning: `thinking` text is kept, signatures dropped; `redacted_thinking` is encrypted and
// dropped with a warning (formats.md section 4).
import type { AssistantMessage } from '../../conversation/model.js';
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
  for (const raw of asArray(content)) {
    const block = asObject(raw);
    const type = asString(block.type);
    switch (type) {
      case 'text': {
        const text = asString(block.text) ?? '';
        if (text !== '') message.parts.push({ type: 'text', text });
        break;
      }
      case 'thinking': {
        const thinking = asString(block.thinking) ?? '';
        if (thinking !== '') reasoning.push(thinking);
        break;
      }
      case 'redacted_thinking':
        warnings.push(`${where}: redacted_thinking block dropped (its content is encrypted)`);
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
  }
  if (reasoning.length > 0) message.reasoning = reasoning.join('\n\n');
  return message;
}
