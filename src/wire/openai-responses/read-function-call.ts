// A `function_call` item → a canonical ToolCall: `call_id` is the id the output answers, the
// JSON-string `arguments` are parsed (invalid JSON kept raw and flagged).
import type { ToolCall } from '../../conversation/model.js';
import { parseToolArguments } from '../shared/parse-tool-arguments.js';
import { asString, type JsonObject } from '../shared/read-json.js';

export function readFunctionCall(item: JsonObject): ToolCall | undefined {
  const name = asString(item.name);
  if (!name) return undefined;
  const parsed = parseToolArguments(item.arguments);
  const callId = asString(item.call_id);
  const call: ToolCall =
    callId !== undefined && callId !== ''
      ? { id: callId, name, arguments: parsed.arguments }
      : { name, arguments: parsed.arguments };
  if (parsed.argumentsInvalid) call.argumentsInvalid = true;
  if (parsed.argumentsText !== undefined) call.argumentsText = parsed.argumentsText;
  return call;
}
