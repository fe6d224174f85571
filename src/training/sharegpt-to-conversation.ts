// A ShareGPT row read back into the canonical Conversation, so a human-edited row (the review UI
// stores edits as ShareGPT) reaches every export format: the OpenAI writers take a Conversation.
// The inverse of to-sharegpt.ts for what it writes (formats.md 1.4, 1.5, 1.8): `<think>` prefixes
// become reasoning, `function_call` values (one object, a list, or text + `<tool_call>` block)
// become tool calls, an observation's parallel results are split on the separator, `<image>`
// placeholders take the row's images in order. Pure.
import type { AssistantMessage, ContentPart, Conversation, Message, ToolCall } from '../conversation/model.js';
import { IMAGE_PLACEHOLDER, THINK_OPEN, TOOL_CALL_CLOSE, TOOL_CALL_OPEN, TOOL_RESPONSE_SEPARATOR } from './sharegpt-markers.js';
import type { ShareGptRow } from './sharegpt-types.js';
import { readToolsValue } from './tool-schemas.js';

export function shareGptToConversation(row: ShareGptRow): Conversation {
  const images = [...row.images];
  const messages: Message[] = [];
  for (const turn of row.conversations) {
    switch (turn.from) {
      case 'human':
        messages.push({ role: 'user', parts: partsWithImages(turn.value, images) });
        break;
      case 'gpt': {
        const { reasoning, rest } = splitThink(turn.value);
        messages.push(assistant(rest, reasoning, []));
        break;
      }
      case 'function_call': {
        const { reasoning, rest } = splitThink(turn.value);
        const { text, calls } = readCalls(rest);
        messages.push(assistant(text, reasoning, calls));
        break;
      }
      case 'observation':
        messages.push({
          role: 'tool',
          results: turn.value.split(TOOL_RESPONSE_SEPARATOR).map((content) => ({ content })),
          parts: [],
        });
        break;
    }
  }
  return { system: row.system, tools: readToolsValue(row.tools).tools ?? [], messages, finishReason: { unified: 'stop', raw: undefined }, complete: true, warnings: [] };
}

function assistant(text: string, reasoning: string, toolCalls: ToolCall[]): AssistantMessage {
  const message: AssistantMessage = { role: 'assistant', parts: text === '' ? [] : [{ type: 'text', text }], toolCalls };
  if (reasoning !== '') message.reasoning = reasoning;
  return message;
}

function partsWithImages(value: string, images: string[]): ContentPart[] {
  const pieces = value.split(IMAGE_PLACEHOLDER);
  const parts: ContentPart[] = [];
  pieces.forEach((piece, index) => {
    if (index > 0) {
      const url = images.shift();
      if (url !== undefined) parts.push({ type: 'image', url });
    }
    // Text kept as written (to-sharegpt joins parts without a separator): a round trip is exact.
    if (piece !== '') parts.push({ type: 'text', text: piece });
  });
  return parts;
}

/** The canonical reasoning prefix `<think>\n…\n</think>\n\n` (and looser spacing) split off. */
function splitThink(value: string): { reasoning: string; rest: string } {
  const leading = value.trimStart();
  if (!leading.startsWith(THINK_OPEN.trim())) return { reasoning: '', rest: value };
  const close = leading.indexOf('</think>');
  if (close === -1) return { reasoning: '', rest: value };
  return { reasoning: leading.slice('<think>'.length, close).trim(), rest: leading.slice(close + '</think>'.length).trimStart() };
}

/** `{"name","arguments"}`, a list of them, or text followed by `<tool_call>JSON</tool_call>`. */
function readCalls(value: string): { text: string; calls: ToolCall[] } {
  let text = '';
  let json = value.trim();
  const open = value.indexOf(TOOL_CALL_OPEN);
  if (open !== -1) {
    text = value.slice(0, open).trim();
    const close = value.indexOf(TOOL_CALL_CLOSE, open);
    json = value.slice(open + TOOL_CALL_OPEN.length, close === -1 ? undefined : close).trim();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json) as unknown;
  } catch {
    // Kept raw and marked: the OpenAI validator rejects the row with a reason (as for a recorded one).
    return { text, calls: [{ name: '', arguments: json, argumentsInvalid: true }] };
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const calls = list.map((item): ToolCall => {
    const call = typeof item === 'object' && item !== null ? (item as { name?: unknown; arguments?: unknown }) : {};
    const name = typeof call.name === 'string' ? call.name : '';
    if (typeof call.arguments === 'string') {
      try {
        return { name, arguments: JSON.parse(call.arguments) as unknown };
      } catch {
        return { name, arguments: call.arguments, argumentsInvalid: true };
      }
    }
    return { name, arguments: call.arguments ?? {} };
  });
  return { text, calls };
}
