// A Gemini `functionResponse` part to a canonical ToolResult.
// Content decision: Google's SDKs wrap a plain result as `{output: "..."}` (some code uses
// `{result: "..."}`) and a failure as `{error: "..."}` (https://ai.google.dev/api/caching#FunctionResponse).
// When the response object is exactly one such key with a string value, that string is the
// content (and `error` marks the result isError); anything else is stringifyJson(response), so
// structure is never lost.
import type { ToolResult } from '../../conversation/model.js';
import { asObject, asString, isObject, stringifyJson } from '../shared/read-json.js';
import { readField } from './read-field.js';

export function functionResponseToResult(functionResponse: unknown): ToolResult {
  const call = asObject(functionResponse);
  const callId = asString(call.id);
  const name = asString(call.name);
  const { content, isError } = contentOf(call.response);
  return {
    ...(callId !== undefined ? { callId } : {}),
    ...(name !== undefined ? { name } : {}),
    content,
    ...(isError ? { isError: true } : {}),
  };
}

function contentOf(response: unknown): { content: string; isError: boolean } {
  if (response === undefined || response === null) return { content: '', isError: false };
  if (typeof response === 'string') return { content: response, isError: false };
  if (isObject(response)) {
    const keys = Object.keys(response);
    if (keys.length === 1) {
      const only = keys[0] ?? '';
      const value = readField(response, only);
      if ((only === 'output' || only === 'result') && typeof value === 'string') {
        return { content: value, isError: false };
      }
      if (only === 'error' && typeof value === 'string') return { content: value, isError: true };
    }
  }
  return { content: stringifyJson(response), isError: false };
}
