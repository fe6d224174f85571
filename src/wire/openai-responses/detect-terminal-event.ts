// When a Responses API stream has said all it will say: `response.completed`, `response.incomplete`
// or `response.failed` (Codex closes its connection as soon as it reads one of them).
// https://platform.openai.com/docs/api-reference/responses-streaming
import { parseJsonObject } from '../shared/read-json.js';
import type { SseEvent } from '../wire-format.js';

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

export function createTerminalWatch(_requestBody: unknown): (event: SseEvent) => boolean {
  return (event) => TERMINAL.has(event.event ?? String(parseJsonObject(event.data)?.type));
}
