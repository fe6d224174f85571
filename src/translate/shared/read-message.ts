// Small readers over the validated OpenAI request shared by the Gemini and Anthropic translators.
import type { ChatMessage, MessageContent, RequestToolCall } from '../openai-chat-request.js';

/** System/developer/tool content → one string (text parts joined with "\n"); other parts reported. */
export function contentText(content: MessageContent, where: string, warnings: string[]): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  const texts: string[] = [];
  for (const part of content) {
    if (part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
    else warnings.push(`${where}: ${part.type} part cannot be sent in this message and was dropped`);
  }
  return texts.join('\n');
}

export interface ParsedArguments {
  value: Record<string, unknown>;
  valid: boolean;
}

/** Tool-call arguments (a JSON string per the spec, an object from some clients) → an object. */
export function parseToolArguments(raw: unknown): ParsedArguments {
  if (raw === undefined || raw === null || raw === '') return { value: {}, valid: true };
  if (typeof raw === 'object' && !Array.isArray(raw)) return { value: raw as Record<string, unknown>, valid: true };
  if (typeof raw === 'string') {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return { value: parsed as Record<string, unknown>, valid: true };
    } catch {
      // reported below
    }
  }
  return { value: {}, valid: false };
}

/** The name of the call each `tool_call_id` answers, from the assistant messages before it. */
export function toolNamesById(messages: readonly ChatMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    if (message.role !== 'assistant') continue;
    for (const call of message.tool_calls ?? []) {
      if (call.id !== undefined) names.set(call.id, call.function.name);
    }
  }
  return names;
}

export function isFunctionToolCall(call: RequestToolCall): boolean {
  return call.type === undefined || call.type === 'function';
}

/** `stop` as a list. */
export function stopSequences(stop: string | string[] | null | undefined): string[] | undefined {
  if (stop === null || stop === undefined) return undefined;
  const list = typeof stop === 'string' ? [stop] : stop;
  return list.length > 0 ? list : undefined;
}
