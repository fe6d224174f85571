// Reads an OpenAI chat message's calls (`tool_calls`, legacy `function_call`) into canonical
// ToolCalls, parsing the JSON-string arguments (formats.md 1.4). Shared by request and response.
import type { ToolCall } from '../../conversation/model.js';
import { parseToolArguments } from '../shared/parse-tool-arguments.js';
import { asArray, asObject, asString, type JsonObject } from '../shared/read-json.js';

export interface ReadToolCalls {
  toolCalls: ToolCall[];
  warnings: string[];
}

function toolCall(id: string | undefined, name: string, rawArguments: unknown): ToolCall {
  const parsed = parseToolArguments(rawArguments);
  const call: ToolCall =
    id !== undefined && id !== ''
      ? { id, name, arguments: parsed.arguments }
      : { name, arguments: parsed.arguments };
  if (parsed.argumentsInvalid) call.argumentsInvalid = true;
  if (parsed.argumentsText !== undefined) call.argumentsText = parsed.argumentsText;
  return call;
}

export function readToolCalls(message: JsonObject, where: string): ReadToolCalls {
  const toolCalls: ToolCall[] = [];
  const warnings: string[] = [];
  for (const raw of asArray(message.tool_calls)) {
    const entry = asObject(raw);
    const type = asString(entry.type) ?? 'function';
    if (type !== 'function') {
      warnings.push(`${where}: tool call of type "${type}" dropped`);
      continue;
    }
    const fn = asObject(entry.function);
    const name = asString(fn.name);
    if (!name) {
      warnings.push(`${where}: tool call without a function name dropped`);
      continue;
    }
    toolCalls.push(toolCall(asString(entry.id), name, fn.arguments));
  }
  if (message.function_call !== undefined && message.function_call !== null) {
    const fn = asObject(message.function_call);
    const name = asString(fn.name);
    if (name) toolCalls.push(toolCall(undefined, name, fn.arguments));
    else warnings.push(`${where}: function_call without a name dropped`);
  }
  return { toolCalls, warnings };
}

/** DeepSeek's `reasoning_content`, or `reasoning` as some gateways name it (formats.md 4). */
export function readReasoning(message: JsonObject): string | undefined {
  const reasoning = asString(message.reasoning_content) ?? asString(message.reasoning);
  return reasoning !== undefined && reasoning !== '' ? reasoning : undefined;
}
