// A model turn's parts (a request's history turn or a response candidate) to the canonical
// AssistantMessage. Gemini splits one message into many parts (a stream's chunks, or the model's
// own segmentation), so adjacent text parts are concatenated: visible text with visible text,
// thought text (`thought: true`) with thought text. Separate thought runs are joined by "\n\n".
// A text part's `thoughtSignature` is dropped (formats.md section 4); a call's rides along on the
// ToolCall (`signature`) for a client that must send it back.
import type { AssistantMessage } from '../../conversation/model.js';
import { asObject, asString, isObject } from '../shared/read-json.js';
import { parseToolArguments } from '../shared/parse-tool-arguments.js';
import { partToImage } from './part-to-image.js';
import { readField, readList } from './read-field.js';

const KNOWN_NON_CHAT_PARTS = ['executableCode', 'codeExecutionResult', 'functionResponse', 'videoMetadata'];

export function modelPartsToMessage(parts: unknown, warnings: string[], where: string): AssistantMessage {
  const message: AssistantMessage = { role: 'assistant', parts: [], toolCalls: [] };
  const reasoning: string[] = [];
  let previous: 'text' | 'thought' | 'other' = 'other';

  for (const raw of readList(parts)) {
    const part = asObject(raw);
    const text = asString(part.text);
    if (text !== undefined) {
      if (text === '') continue; // an empty part carrying only a thoughtSignature
      if (part.thought === true) {
        if (previous === 'thought' && reasoning.length > 0) reasoning[reasoning.length - 1] += text;
        else reasoning.push(text);
        previous = 'thought';
      } else {
        const last = message.parts[message.parts.length - 1];
        if (previous === 'text' && last?.type === 'text') last.text += text;
        else message.parts.push({ type: 'text', text });
        previous = 'text';
      }
      continue;
    }
    previous = 'other';
    const functionCall = readField(part, 'functionCall');
    if (isObject(functionCall)) {
      const id = asString(functionCall.id);
      const args = functionCall.args;
      const parsed = parseToolArguments(args === undefined || args === null ? {} : args);
      const signature = asString(readField(part, 'thoughtSignature'));
      message.toolCalls.push({
        ...(id !== undefined ? { id } : {}),
        name: asString(functionCall.name) ?? '',
        arguments: parsed.arguments,
        ...(parsed.argumentsText !== undefined ? { argumentsText: parsed.argumentsText } : {}),
        ...(signature !== undefined ? { signature } : {}),
      });
      continue;
    }
    const image = partToImage(part);
    if (image !== undefined) {
      if ('dropped' in image) warnings.push(`${where}: ${image.dropped} dropped`);
      else message.parts.push(image);
      continue;
    }
    warnings.push(`${where}: ${describePart(part)} part dropped`);
  }
  if (reasoning.length > 0) message.reasoning = reasoning.join('\n\n');
  return message;
}

export function describePart(part: Record<string, unknown>): string {
  const key = Object.keys(part).find((name) => name !== 'thoughtSignature' && name !== 'thought_signature' && name !== 'thought');
  const known = KNOWN_NON_CHAT_PARTS.find((name) => readField(part, name) !== undefined);
  return known ?? key ?? 'empty';
}
