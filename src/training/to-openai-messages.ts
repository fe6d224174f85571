// Canonical Conversation -> the `openai-messages` row (formats.md 7, 2): OpenAI chat messages for
// Axolotl `chat_template` and other HF-template trainers. `{"messages":[…], "tools":[…]}`;
// tool_calls with JSON-string arguments; one `role:"tool"` message per call with `tool_call_id`
// and `name`, in call order; reasoning as `reasoning_content`. The `openai-ft` row is derived from
// this one (to-openai-ft.ts). Every change to what was recorded is named (repair-names.ts). Pure:
// generated call ids are a counter within the row, so a replay gives the same row.
import { argumentsJsonOf, assistantText, type AssistantMessage, type ContentPart, type Conversation, type ToolCall, type ToolResult } from '../conversation/model.js';
import { matchResultsToCalls } from './match-results.js';
import { splitLeadingReasoning } from './reasoning-prefix.js';
import { RepairLog, type RepairName } from './repair-names.js';
import type { TrainingRowOptions } from './repair-sharegpt-row.js';
import { applyToolsPolicy, toOpenAiTools, type OpenAiTool } from './tool-schemas.js';
import { truncateText } from './truncate-text.js';

export type OpenAiContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type OpenAiMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | OpenAiContentPart[] }
  | { role: 'assistant'; content: string; tool_calls?: OpenAiToolCall[]; reasoning_content?: string }
  | { role: 'tool'; tool_call_id: string; name?: string; content: string };

export interface OpenAiMessagesRow {
  messages: OpenAiMessage[];
  tools?: OpenAiTool[];
}

export interface OpenAiConversion {
  row: OpenAiMessagesRow;
  repairs: RepairName[];
  /** True when a user message carries images (their parts make `content` a list). */
  hasImages: boolean;
}

export function conversationToOpenAiMessages(conversation: Conversation, options: TrainingRowOptions = {}): OpenAiConversion {
  const log = new RepairLog();
  const segments = groupSegments(conversation, log);
  const messages: OpenAiMessage[] = [];
  if (conversation.system.trim() !== '') messages.push({ role: 'system', content: conversation.system });

  const ids = new CallIds(conversation);
  let pendingCalls: Array<{ call: ToolCall; id: string }> = [];
  let hasImages = false;
  for (const segment of segments) {
    if (segment.kind === 'user') {
      const content = userContent(segment.parts);
      if (typeof content !== 'string') hasImages = true;
      messages.push({ role: 'user', content });
      pendingCalls = [];
    } else if (segment.kind === 'assistant') {
      const message: Extract<OpenAiMessage, { role: 'assistant' }> = { role: 'assistant', content: segment.text };
      pendingCalls = segment.calls.map((call) => ({ call, id: ids.idOf(call, log) }));
      if (pendingCalls.length > 0) {
        message.tool_calls = pendingCalls.map(({ call, id }) => ({
          id,
          type: 'function',
          function: { name: call.name, arguments: argumentsString(call) },
        }));
      }
      if (segment.reasoning !== '') {
        if (options.reasoning === 'drop') log.add('reasoning-dropped');
        else message.reasoning_content = segment.reasoning;
      }
      messages.push(message);
    } else {
      messages.push(...toolMessages(segment.results, pendingCalls, options, log));
      pendingCalls = [];
    }
  }

  const calls = segments.flatMap((segment) => (segment.kind === 'assistant' ? segment.calls : []));
  const applied = applyToolsPolicy(conversation.tools, calls, options.toolsSchema ?? 'auto');
  if (applied.derived) log.add('tools-derived');
  const row: OpenAiMessagesRow = { messages };
  if (applied.tools.length > 0) row.tools = toOpenAiTools(applied.tools);
  return { row, repairs: log.names, hasImages };
}

// ---------------------------------------------------------------------------------------------

type Segment =
  | { kind: 'user'; parts: ContentPart[][] }
  | { kind: 'assistant'; text: string; reasoning: string; calls: ToolCall[] }
  | { kind: 'tool'; results: ToolResult[] };

/**
 * Consecutive user messages become one message, consecutive assistant messages one message (their
 * calls one parallel list), consecutive tool messages one group; user text sent in the same
 * provider message as tool results (Anthropic, Gemini) becomes a user message after the results.
 */
function groupSegments(conversation: Conversation, log: RepairLog): Segment[] {
  const segments: Segment[] = [];
  const pushUser = (parts: ContentPart[]): void => {
    const last = segments[segments.length - 1];
    if (last?.kind === 'user') {
      last.parts.push(parts);
      log.add('same-role-merged');
    } else {
      segments.push({ kind: 'user', parts: [parts] });
    }
  };
  for (const message of conversation.messages) {
    const last = segments[segments.length - 1];
    if (message.role === 'user') {
      pushUser(message.parts);
    } else if (message.role === 'tool') {
      if (last?.kind === 'tool') last.results.push(...message.results);
      else if (message.results.length > 0) segments.push({ kind: 'tool', results: [...message.results] });
      if (message.parts.some((part) => part.type === 'image' || part.text.trim() !== '')) pushUser(message.parts);
    } else {
      const read = readAssistant(message, log);
      if (last?.kind === 'assistant') {
        log.add(last.calls.length > 0 && read.calls.length > 0 ? 'parallel-calls-merged' : 'same-role-merged');
        last.text = [last.text, read.text].filter((text) => text.trim() !== '').join('\n\n');
        if (read.reasoning !== '' && read.reasoning !== last.reasoning) {
          last.reasoning = last.reasoning === '' ? read.reasoning : `${last.reasoning}\n\n${read.reasoning}`;
        }
        last.calls.push(...read.calls);
      } else {
        segments.push(read);
      }
    }
  }
  return segments;
}

/** The text runs joined (conversation/model.ts assistantText); a leading <think> block split out. */
function readAssistant(message: AssistantMessage, log: RepairLog): Extract<Segment, { kind: 'assistant' }> {
  let text = assistantText(message.parts);
  if (message.parts.some((part) => part.type === 'image')) log.add('assistant-image-dropped');
  const reasonings: string[] = [];
  const field = message.reasoning?.trim() ?? '';
  if (field !== '') reasonings.push(field);
  const split = splitLeadingReasoning(text);
  if (split.reasoning !== null) {
    if (split.reasoning !== '' && split.reasoning !== field) reasonings.push(split.reasoning);
    text = split.rest;
    log.add('reasoning-normalised');
  }
  return { kind: 'assistant', text, reasoning: reasonings.join('\n\n'), calls: [...message.toolCalls] };
}

/** A string when the message is text only (parts joined with "\n", messages with "\n\n"); parts when it holds images. */
function userContent(messages: readonly ContentPart[][]): string | OpenAiContentPart[] {
  if (!messages.some((parts) => parts.some((part) => part.type === 'image'))) {
    return messages
      .map((parts) => parts.flatMap((part) => (part.type === 'text' && part.text !== '' ? [part.text] : [])).join('\n'))
      .filter((text) => text !== '')
      .join('\n\n');
  }
  return messages.flatMap((parts) =>
    parts.flatMap((part): OpenAiContentPart[] => {
      if (part.type === 'image') return [{ type: 'image_url', image_url: { url: part.url } }];
      return part.text === '' ? [] : [{ type: 'text', text: part.text }];
    }),
  );
}

/** One tool message per call, in call order (matched by id, else name, else position); unmatched results last. */
function toolMessages(
  results: readonly ToolResult[],
  calls: ReadonlyArray<{ call: ToolCall; id: string }>,
  options: TrainingRowOptions,
  log: RepairLog,
): OpenAiMessage[] {
  const match = matchResultsToCalls(
    results,
    calls.map(({ call }) => (call.id === undefined ? { name: call.name } : { id: call.id, name: call.name })),
  );
  if (match.reordered) log.add('observations-reordered');
  const content = (result: ToolResult): string => {
    if (options.truncateObservation === undefined) return result.content;
    const cut = truncateText(result.content, options.truncateObservation);
    if (cut === null) return result.content;
    log.add('observation-truncated');
    return cut;
  };
  const out: OpenAiMessage[] = [];
  match.slots.forEach((result, index) => {
    const answered = calls[index];
    if (result === undefined || answered === undefined) return;
    out.push({ role: 'tool', tool_call_id: answered.id, name: answered.call.name, content: content(result) });
  });
  for (const result of match.unmatched) {
    const message: Extract<OpenAiMessage, { role: 'tool' }> = { role: 'tool', tool_call_id: result.callId ?? '', content: content(result) };
    if (result.name !== undefined) message.name = result.name;
    out.push(message);
  }
  return out;
}

/** The recorded arguments as OpenAI's JSON string; a string that was not valid JSON is kept raw (the validator rejects it). */
function argumentsString(call: ToolCall): string {
  return argumentsJsonOf(call);
}

/** Ids for calls that came without one (Gemini): call_1, call_2… skipping ids the row already uses. */
class CallIds {
  readonly #used = new Set<string>();
  #next = 1;

  constructor(conversation: Conversation) {
    for (const message of conversation.messages) {
      if (message.role === 'assistant') for (const call of message.toolCalls) if (call.id !== undefined) this.#used.add(call.id);
    }
  }

  idOf(call: ToolCall, log: RepairLog): string {
    if (call.id !== undefined && call.id !== '') return call.id;
    log.add('tool-call-ids-assigned');
    let id = `call_${this.#next++}`;
    while (this.#used.has(id)) id = `call_${this.#next++}`;
    this.#used.add(id);
    return id;
  }
}
