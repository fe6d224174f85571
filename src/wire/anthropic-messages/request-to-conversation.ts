// An Anthropic Messages request body to the canonical RequestConversation (formats.md 5.1).
// - top-level `system` (string or text blocks) joined with "\n\n";
// - a user message holding `tool_result` blocks becomes a ToolMessage (results in order, the
//   user's text/images beside them in `parts`); otherwise a UserMessage;
// - assistant turns are read like a response's content (assistant-content-to-message.ts).
// Tool results carry no tool name on the wire; it is filled from the matching `tool_use` id.
import type {
  ContentPart,
  Message,
  RequestConversation,
  ToolResult,
} from '../../conversation/model.js';
import { asArray, asObject, asString } from '../shared/read-json.js';
import { assistantContentToMessage } from './assistant-content-to-message.js';
import { imageBlockToPart } from './convert-image-block.js';
import { normalizeTools } from './normalize-tool-schema.js';

export function requestToConversation(body: unknown): RequestConversation {
  const request = asObject(body);
  const warnings: string[] = [];
  const model = asString(request.model);
  const system = readSystem(request.system, warnings);
  const tools = normalizeTools(request.tools, warnings);
  const toolNames = new Map<string, string>();
  const messages: Message[] = [];

  asArray(request.messages).forEach((raw, index) => {
    const entry = asObject(raw);
    const where = `messages[${index}]`;
    if (entry.role === 'assistant') {
      const message = assistantContentToMessage(entry.content, warnings, where);
      for (const call of message.toolCalls) {
        if (call.id !== undefined) toolNames.set(call.id, call.name);
      }
      messages.push(message);
    } else if (entry.role === 'user') {
      messages.push(userContentToMessage(entry.content, toolNames, warnings, where));
    } else {
      warnings.push(`${where}: message with role ${String(entry.role)} dropped`);
    }
  });

  return {
    ...(model !== undefined ? { model } : {}),
    stream: request.stream === true,
    system,
    tools,
    messages,
    warnings,
  };
}

function readSystem(system: unknown, warnings: string[]): string {
  if (typeof system === 'string') return system;
  const texts: string[] = [];
  asArray(system).forEach((raw, index) => {
    const block = asObject(raw);
    const text = asString(block.text);
    if (block.type === 'text' && text !== undefined) texts.push(text);
    else warnings.push(`system[${index}]: ${asString(block.type) ?? 'untyped'} block dropped`);
  });
  return texts.join('\n\n');
}

function userContentToMessage(
  content: unknown,
  toolNames: ReadonlyMap<string, string>,
  warnings: string[],
  where: string,
): Message {
  if (typeof content === 'string') {
    return { role: 'user', parts: content === '' ? [] : [{ type: 'text', text: content }] };
  }
  const parts: ContentPart[] = [];
  const results: ToolResult[] = [];
  for (const raw of asArray(content)) {
    const block = asObject(raw);
    const type = asString(block.type);
    if (type === 'text') {
      const text = asString(block.text) ?? '';
      if (text !== '') parts.push({ type: 'text', text });
    } else if (type === 'image') {
      const part = imageBlockToPart(block);
      if ('dropped' in part) warnings.push(`${where}: ${part.dropped} dropped`);
      else parts.push(part);
    } else if (type === 'tool_result') {
      results.push(toolResultOf(block, toolNames, warnings, where));
    } else {
      // document (PDF), search_result, container_upload...: not representable as text or image.
      warnings.push(`${where}: ${type ?? 'untyped'} block dropped`);
    }
  }
  if (results.length > 0) return { role: 'tool', results, parts };
  return { role: 'user', parts };
}

function toolResultOf(
  block: Record<string, unknown>,
  toolNames: ReadonlyMap<string, string>,
  warnings: string[],
  where: string,
): ToolResult {
  const callId = asString(block.tool_use_id);
  const name = callId !== undefined ? toolNames.get(callId) : undefined;
  let content: string;
  if (typeof block.content === 'string') {
    content = block.content;
  } else {
    const texts: string[] = [];
    for (const raw of asArray(block.content)) {
      const inner = asObject(raw);
      const text = asString(inner.text);
      if (inner.type === 'text' && text !== undefined) texts.push(text);
      else warnings.push(`${where}: ${asString(inner.type) ?? 'untyped'} block inside tool_result ${callId ?? ''} dropped`);
    }
    content = texts.join('\n');
  }
  return {
    ...(callId !== undefined ? { callId } : {}),
    ...(name !== undefined ? { name } : {}),
    content,
    ...(block.is_error === true ? { isError: true } : {}),
  };
}
