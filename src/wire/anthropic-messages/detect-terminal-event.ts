// When an Anthropic Messages stream has said all it will say: its `message_stop` event.
// https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types
import { parseJsonObject } from '../shared/read-json.js';
import type { SseEvent } from '../wire-format.js';

export function createTerminalWatch(_requestBody: unknown): (event: SseEvent) => boolean {
  return (event) => (event.event ?? parseJsonObject(event.data)?.type) === 'message_stop';
}
