// An OpenAI chat completions request body → the canonical request conversation (formats.md 5.1).
// System and developer messages, wherever they sit, become `system` (joined with "\n\n");
// consecutive `tool` / legacy `function` messages become ONE ToolMessage (parallel results).
// Wire shapes: https://platform.openai.com/docs/api-reference/chat/create
import type {
  AssistantMessage,
  Message,
  RequestConversation,
  ToolResult,
  ToolSchema,
} from '../../conversation/model.js';
import { asArray, asObject, asString, isObject, type JsonObject } from '../shared/read-json.js';
import { mergeAdjacentText } from '../shared/assistant-text.js';
import { readContentParts, readContentText } from './read-content.js';
import { readReasoning, readToolCalls } from './read-tool-calls.js';

const EMPTY_PARAMETERS: Record<string, unknown> = { type: 'object', properties: {} };

function toolSchema(fn: JsonObject): ToolSchema | undefined {
  const name = asString(fn.name);
  if (!name) return undefined;
  const schema: ToolSchema = {
    name,
    parameters: isObject(fn.parameters) ? fn.parameters : { ...EMPTY_PARAMETERS },
  };
  const description = asString(fn.description);
  if (description !== undefined) schema.description = description;
  return schema;
}

/** `tools` (`{type:'function', function:{...}}`) and legacy `functions`; other tool types are dropped. */
export function readTools(body: JsonObject, warnings: string[]): ToolSchema[] {
  const tools: ToolSchema[] = [];
  for (const [position, raw] of asArray(body.tools).entries()) {
    const tool = asObject(raw);
    const type = asString(tool.type) ?? 'function';
    if (type !== 'function') {
      warnings.push(`tools[${position}]: tool of type "${type}" dropped (not a function tool)`);
      continue;
    }
    const schema = toolSchema(asObject(tool.function));
    if (schema) tools.push(schema);
    else warnings.push(`tools[${position}]: function tool without a name dropped`);
  }
  for (const [position, raw] of asArray(body.functions).entries()) {
    const schema = toolSchema(asObject(raw));
    if (schema) tools.push(schema);
    else warnings.push(`functions[${position}]: function without a name dropped`);
  }
  return tools;
}

function pushToolResult(messages: Message[], result: ToolResult): void {
  const last = messages[messages.length - 1];
  if (last?.role === 'tool') last.results.push(result);
  else messages.push({ role: 'tool', results: [result], parts: [] });
}

export function requestToConversation(body: unknown): RequestConversation {
  const request = asObject(body);
  const warnings: string[] = [];
  const system: string[] = [];
  const messages: Message[] = [];

  for (const [position, raw] of asArray(request.messages).entries()) {
    const message = asObject(raw);
    const role = asString(message.role);
    const where = `messages[${position}]`;
    switch (role) {
      case 'system':
      case 'developer': {
        const read = readContentText(message.content, where);
        warnings.push(...read.warnings);
        if (read.text !== '') system.push(read.text);
        break;
      }
      case 'user': {
        const read = readContentParts(message.content, where);
        warnings.push(...read.warnings);
        messages.push({ role: 'user', parts: read.parts });
        break;
      }
      case 'assistant': {
        const read = readContentParts(message.content, where);
        const calls = readToolCalls(message, where);
        warnings.push(...read.warnings, ...calls.warnings);
        const assistant: AssistantMessage = { role: 'assistant', parts: mergeAdjacentText(read.parts), toolCalls: calls.toolCalls };
        const reasoning = readReasoning(message);
        if (reasoning !== undefined) assistant.reasoning = reasoning;
        messages.push(assistant);
        break;
      }
      case 'tool': {
        const read = readContentText(message.content, where);
        warnings.push(...read.warnings);
        const result: ToolResult = { content: read.text };
        const callId = asString(message.tool_call_id);
        if (callId !== undefined) result.callId = callId;
        pushToolResult(messages, result);
        break;
      }
      case 'function': {
        const read = readContentText(message.content, where);
        warnings.push(...read.warnings);
        const result: ToolResult = { content: read.text };
        const name = asString(message.name);
        if (name !== undefined) result.name = name;
        pushToolResult(messages, result);
        break;
      }
      default:
        warnings.push(`${where}: message with role "${role ?? 'missing'}" dropped`);
    }
  }

  const conversation: RequestConversation = {
    stream: request.stream === true,
    system: system.join('\n\n'),
    tools: readTools(request, warnings),
    messages,
    warnings,
  };
  const model = asString(request.model);
  return model === undefined ? conversation : { model, ...conversation };
}
