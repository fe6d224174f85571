// A Gemini generateContent request body to the canonical RequestConversation (formats.md 5.1).
// - `systemInstruction` (or `system_instruction`): its text parts joined with "\n\n";
// - `contents[]` with role `model` → AssistantMessage (model-parts-to-message.ts);
//   role `user` (or the older `function` / `tool` roles) → ToolMessage when it holds
//   `functionResponse` parts (the other text/images in `parts`), else UserMessage;
// - camelCase and snake_case field names are both read, and a single object where a list is
//   declared (`contents`, `parts`) is a one-element list (read-field.ts).
import type { ContentPart, Message, RequestConversation, ToolResult } from '../../conversation/model.js';
import { asObject, asString } from '../shared/read-json.js';
import { functionResponseToResult } from './function-response-to-result.js';
import { describePart, modelPartsToMessage } from './model-parts-to-message.js';
import { normalizeTools } from './normalize-tool-schema.js';
import { partToImage } from './part-to-image.js';
import { readField, readList } from './read-field.js';
import { modelOf } from './match-request.js';

export function requestToConversation(body: unknown, path: string): RequestConversation {
  const request = asObject(body);
  const warnings: string[] = [];
  const model = modelOf(path, body);
  const system = readSystem(readField(request, 'systemInstruction'), warnings);
  const tools = normalizeTools(request.tools, warnings);
  const messages: Message[] = [];

  readList(request.contents).forEach((raw, index) => {
    const content = asObject(raw);
    const where = `contents[${index}]`;
    const role = asString(content.role) ?? 'user';
    if (role === 'model') {
      messages.push(modelPartsToMessage(content.parts, warnings, where));
    } else if (role === 'user' || role === 'function' || role === 'tool') {
      messages.push(userPartsToMessage(content.parts, warnings, where));
    } else {
      warnings.push(`${where}: content with role ${role} dropped`);
    }
  });

  return {
    ...(model !== undefined ? { model } : {}),
    stream: path.includes(':streamGenerateContent'),
    system,
    tools,
    messages,
    warnings,
  };
}

function readSystem(instruction: unknown, warnings: string[]): string {
  if (typeof instruction === 'string') return instruction;
  const texts: string[] = [];
  readList(asObject(instruction).parts).forEach((raw, index) => {
    const part = asObject(raw);
    const text = asString(part.text);
    if (text !== undefined) texts.push(text);
    else warnings.push(`systemInstruction.parts[${index}]: ${describePart(part)} part dropped`);
  });
  return texts.join('\n\n');
}

function userPartsToMessage(parts: unknown, warnings: string[], where: string): Message {
  const contentParts: ContentPart[] = [];
  const results: ToolResult[] = [];
  for (const raw of readList(parts)) {
    const part = asObject(raw);
    const text = asString(part.text);
    if (text !== undefined) {
      if (text !== '') contentParts.push({ type: 'text', text });
      continue;
    }
    const functionResponse = readField(part, 'functionResponse');
    if (functionResponse !== undefined) {
      results.push(functionResponseToResult(functionResponse));
      continue;
    }
    const image = partToImage(part);
    if (image !== undefined) {
      if ('dropped' in image) warnings.push(`${where}: ${image.dropped} dropped`);
      else contentParts.push(image);
      continue;
    }
    warnings.push(`${where}: ${describePart(part)} part dropped`);
  }
  if (results.length > 0) return { role: 'tool', results, parts: contentParts };
  return { role: 'user', parts: contentParts };
}
