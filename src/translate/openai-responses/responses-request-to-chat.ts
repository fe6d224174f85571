// A Responses API request (POST /v1/responses) as the chat completions request the translators
// already speak: `instructions` → a system message; `input` (a string, or items: messages,
// function_call / function_call_output, reasoning) → messages, consecutive assistant items merged
// into one assistant message; function tools → chat tools; `max_output_tokens`, `reasoning.effort`,
// `text.format`, `tool_choice` → their chat names. What has no chat equivalent is reported as a
// warning, never dropped silently; `previous_response_id` cannot be served (the proxy keeps no
// conversation state) and is refused.
// Shapes: https://platform.openai.com/docs/api-reference/responses/create
import { asArray, asObject, asString, isObject, type JsonObject } from '../../wire/shared/read-json.js';
import { parseChatRequest, type ChatRequest, type ThinkingBlock } from '../openai-chat-request.js';
import { encryptedContentToSignatures, encryptedContentToThinkingBlocks, splitCallId } from './reasoning-carrier.js';

export type ResponsesToChat = { ok: true; chat: ChatRequest; warnings: string[] } | { ok: false; message: string };

/** Top-level Responses fields read here; any other is a warning. */
const HANDLED = new Set([
  'model', 'input', 'instructions', 'stream', 'tools', 'tool_choice', 'parallel_tool_calls', 'max_output_tokens',
  'temperature', 'top_p', 'reasoning', 'text', 'user', 'store', 'include', 'stream_options', 'metadata', 'prompt_cache_key',
]);

interface PendingAssistant {
  content: string[];
  toolCalls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string }; extra_content?: { google: { thought_signature: string } } }>;
  reasoning: string[];
  thinkingBlocks: ThinkingBlock[];
  /** Gemini thought signatures by call id, from the reasoning items' `encrypted_content`. */
  signatures: Record<string, string>;
}

export function responsesRequestToChat(body: unknown): ResponsesToChat {
  const request = asObject(body);
  const warnings: string[] = [];
  if (request.previous_response_id !== undefined && request.previous_response_id !== null) {
    return { ok: false, message: 'previous_response_id is not supported when the model is translated: send the whole conversation in "input" (and "store": false)' };
  }
  for (const key of Object.keys(request)) {
    if (!HANDLED.has(key) && request[key] !== null && request[key] !== undefined) warnings.push(`parameter "${key}" is not translated and was not sent`);
  }

  const messages: JsonObject[] = [];
  const instructions = asString(request.instructions);
  if (instructions !== undefined && instructions !== '') messages.push({ role: 'system', content: instructions });

  let assistant: PendingAssistant | null = null;
  const flush = () => {
    if (!assistant) return;
    for (const call of assistant.toolCalls) {
      const signature = assistant.signatures[call.id];
      if (signature !== undefined && call.extra_content === undefined) call.extra_content = { google: { thought_signature: signature } };
    }
    const message: JsonObject = { role: 'assistant', content: assistant.content.length > 0 ? assistant.content.join('') : null };
    if (assistant.toolCalls.length > 0) message.tool_calls = assistant.toolCalls;
    if (assistant.reasoning.length > 0) message.reasoning_content = assistant.reasoning.join('\n\n');
    if (assistant.thinkingBlocks.length > 0) message.thinking_blocks = assistant.thinkingBlocks;
    messages.push(message);
    assistant = null;
  };
  const pending = (): PendingAssistant => (assistant ??= { content: [], toolCalls: [], reasoning: [], thinkingBlocks: [], signatures: {} });

  const input = typeof request.input === 'string' ? [{ type: 'message', role: 'user', content: request.input }] : asArray(request.input);
  for (const [index, raw] of input.entries()) {
    const item = asObject(raw);
    const type = asString(item.type) ?? (item.role !== undefined ? 'message' : undefined);
    if (type === 'message') {
      const role = asString(item.role) ?? 'user';
      if (role === 'assistant') {
        pending().content.push(...textOf(item.content));
        continue;
      }
      flush();
      messages.push({ role: role === 'developer' || role === 'system' ? role : 'user', content: contentOf(item.content, warnings, index) });
    } else if (type === 'function_call') {
      const { id, signature } = splitCallId(asString(item.call_id) ?? asString(item.id) ?? `call_${index}`);
      pending().toolCalls.push({
        id,
        type: 'function',
        function: { name: asString(item.name) ?? '', arguments: asString(item.arguments) ?? '{}' },
        ...(signature !== undefined ? { extra_content: { google: { thought_signature: signature } } } : {}),
      });
    } else if (type === 'function_call_output') {
      flush();
      messages.push({ role: 'tool', tool_call_id: splitCallId(asString(item.call_id) ?? '').id, content: typeof item.output === 'string' ? item.output : JSON.stringify(item.output ?? '') });
    } else if (type === 'reasoning') {
      const target = pending();
      const blocks = encryptedContentToThinkingBlocks(item.encrypted_content);
      if (blocks) target.thinkingBlocks.push(...blocks);
      Object.assign(target.signatures, encryptedContentToSignatures(item.encrypted_content));
      for (const part of asArray(item.summary)) {
        const text = asString(asObject(part).text);
        if (text !== undefined && text !== '') target.reasoning.push(text);
      }
    } else {
      warnings.push(`input[${index}] of type "${type ?? 'unknown'}" has no chat equivalent and was not sent`);
    }
  }
  flush();

  const chat: JsonObject = { model: request.model, messages };
  if (request.stream === true) {
    chat.stream = true;
    // The Responses stream ends with the usage in `response.completed`: always ask for it.
    chat.stream_options = { include_usage: true };
  }
  copy(request, chat, 'temperature');
  copy(request, chat, 'top_p');
  copy(request, chat, 'parallel_tool_calls');
  copy(request, chat, 'user');
  if (typeof request.max_output_tokens === 'number') chat.max_completion_tokens = request.max_output_tokens;
  const effort = asString(asObject(request.reasoning).effort);
  if (effort !== undefined) chat.reasoning_effort = effort;

  const format = asObject(asObject(request.text).format);
  if (format.type === 'json_schema') {
    chat.response_format = { type: 'json_schema', json_schema: { name: asString(format.name) ?? 'response', ...(isObject(format.schema) ? { schema: format.schema } : {}), ...(typeof format.strict === 'boolean' ? { strict: format.strict } : {}), ...(typeof format.description === 'string' ? { description: format.description } : {}) } };
  } else if (format.type === 'json_object') {
    chat.response_format = { type: 'json_object' };
  }

  const tools: JsonObject[] = [];
  // Codex groups MCP and dynamic tools in a `namespace` tool whose members the model calls by their
  // own names (wire/openai-responses/request-to-conversation.ts): they are sent as plain functions.
  const declared = asArray(request.tools).flatMap((raw) => (asObject(raw).type === 'namespace' ? asArray(asObject(raw).tools) : [raw]));
  for (const raw of declared) {
    const tool = asObject(raw);
    if (tool.type === 'function' && typeof tool.name === 'string') {
      tools.push({ type: 'function', function: { name: tool.name, ...(typeof tool.description === 'string' ? { description: tool.description } : {}), ...(isObject(tool.parameters) ? { parameters: tool.parameters } : {}), ...(typeof tool.strict === 'boolean' ? { strict: tool.strict } : {}) } });
    } else {
      warnings.push(`tool of type "${asString(tool.type) ?? 'unknown'}" has no chat equivalent and was not sent`);
    }
  }
  if (tools.length > 0) chat.tools = tools;
  const choice = request.tool_choice;
  if (choice === 'auto' || choice === 'none' || choice === 'required') chat.tool_choice = choice;
  else if (isObject(choice) && choice.type === 'function' && typeof choice.name === 'string') chat.tool_choice = { type: 'function', function: { name: choice.name } };
  else if (choice !== undefined && choice !== null) warnings.push('tool_choice of this kind is not translated and was not sent');

  const parsed = parseChatRequest(chat);
  if (!parsed.ok) return { ok: false, message: parsed.message.replace('chat completions', 'responses') };
  return { ok: true, chat: parsed.value, warnings };
}

function copy(from: JsonObject, to: JsonObject, key: string): void {
  if (from[key] !== undefined && from[key] !== null) to[key] = from[key];
}

function textOf(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  return asArray(content).flatMap((raw) => {
    const part = asObject(raw);
    const text = asString(part.text) ?? asString(part.refusal);
    return text === undefined ? [] : [text];
  });
}

/** A user / system message's content: text parts and images in chat's part shapes. */
function contentOf(content: unknown, warnings: string[], index: number): string | JsonObject[] {
  if (typeof content === 'string') return content;
  const parts: JsonObject[] = [];
  for (const raw of asArray(content)) {
    const part = asObject(raw);
    if (part.type === 'input_text' || part.type === 'output_text' || part.type === 'text') parts.push({ type: 'text', text: asString(part.text) ?? '' });
    else if (part.type === 'input_image' && typeof part.image_url === 'string') parts.push({ type: 'image_url', image_url: { url: part.image_url, ...(typeof part.detail === 'string' ? { detail: part.detail } : {}) } });
    else if (part.type === 'input_file' && typeof part.file_data === 'string') parts.push({ type: 'file', file: { file_data: part.file_data, ...(typeof part.filename === 'string' ? { filename: part.filename } : {}) } });
    else warnings.push(`input[${index}] content part "${asString(part.type) ?? 'unknown'}" has no chat equivalent and was not sent`);
  }
  return parts;
}
