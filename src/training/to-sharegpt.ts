// Canonical Conversation -> one LLaMA-Factory ShareGPT row (formats.md 1.2-1.6, 5.1, 5.2).
// Pure. The row is produced even when it will not be accepted (invalid arguments, no model turn):
// validate-sharegpt.ts decides, and `notes` says what was dropped, merged or suspicious, so nothing
// is lost silently. Bump CONVERTER_VERSION (converter-version.ts) whenever the output changes.
import {
  assistantText,
  type AssistantMessage,
  type ContentPart,
  type Conversation,
  type ToolCall,
  type ToolResult,
  type ToolSchema,
  type UserMessage,
} from '../conversation/model.js';
import { parseJsonLoosely } from '../wire/shared/read-json.js';
import { renderModelTurn, type NormalCall } from './model-turn.js';
import { IMAGE_PLACEHOLDER, TOOL_RESPONSE_SEPARATOR } from './sharegpt-markers.js';
import type { ShareGptRole, ShareGptRow, ShareGptTurn } from './sharegpt-types.js';

export interface ShareGptConversion {
  row: ShareGptRow;
  /** What the conversion dropped, merged or found suspicious, in plain words (for review and logs). */
  notes: string[];
}

/**
 * JSON in the row is compact (`JSON.stringify` without spaces): LF re-serialises function calls
 * and tool schemas through the template's tool format, so spacing never reaches the model
 * (formats.md 1.4.5); compact is simply what JavaScript writes.
 */
export function conversationToShareGpt(conversation: Conversation): ShareGptConversion {
  const notes: string[] = [];
  const segments = dropLeadingNonHuman(groupSegments(conversation, notes), notes);

  const turns: ShareGptTurn[] = [];
  const images: string[] = [];
  let precedingCalls: readonly ToolCall[] = [];
  for (const segment of segments) {
    const rendered =
      segment.kind === 'human'
        ? renderHuman(segment.messages)
        : segment.kind === 'model'
          ? renderModel(segment.messages, notes)
          : renderObservation(segment, precedingCalls, notes);
    turns.push({ from: rendered.from, value: rendered.value });
    images.push(...rendered.images);
    precedingCalls = segment.kind === 'model' ? segment.messages.flatMap((message) => message.toolCalls) : [];
  }

  noteEnding(conversation, turns, notes);
  notePlaceholders(turns, images, notes);
  return {
    row: { conversations: turns, system: conversation.system, tools: toolsToJson(conversation.tools), images },
    notes,
  };
}

/** The row's `tools` column (formats.md 1.6): a JSON string of `{name, description, parameters}`, "" when none. */
export function toolsToJson(tools: readonly ToolSchema[]): string {
  if (tools.length === 0) return '';
  return JSON.stringify(
    tools.map((tool) => ({
      name: tool.name,
      description: tool.description ?? '',
      parameters: portableParameters(tool.parameters),
    })),
  );
}

// ---------------------------------------------------------------------------------------------
// grouping (formats.md 5.2 steps 1-3)

type Segment =
  | { kind: 'human'; messages: UserMessage[] }
  | { kind: 'model'; messages: AssistantMessage[] }
  | { kind: 'observation'; results: ToolResult[]; parts: ContentPart[][] };

function groupSegments(conversation: Conversation, notes: string[]): Segment[] {
  const segments: Segment[] = [];
  for (const message of conversation.messages) {
    const last = segments[segments.length - 1];
    if (message.role === 'user') {
      if (last?.kind === 'human') {
        last.messages.push(message);
      } else if (last?.kind === 'observation' && answersKeptCalls(segments)) {
        // A human turn cannot follow an observation (formats.md 5.1): a user message sent right
        // after tool results (OpenAI clients do this for tool-produced images) joins them. Not
        // after orphan or leading results, which are rejected or dropped anyway.
        last.parts.push(message.parts);
        notes.push('a user message that followed tool results was appended to the observation');
      } else {
        segments.push({ kind: 'human', messages: [message] });
      }
    } else if (message.role === 'assistant') {
      if (last?.kind === 'model') {
        last.messages.push(message);
        notes.push('consecutive assistant messages were merged into one model turn');
      } else {
        segments.push({ kind: 'model', messages: [message] });
      }
    } else if (last?.kind === 'observation') {
      last.results.push(...message.results);
      last.parts.push(message.parts);
    } else {
      segments.push({ kind: 'observation', results: [...message.results], parts: [message.parts] });
    }
  }
  return segments;
}

/** The last segment (an observation) answers calls of a model turn that comes after a human turn. */
function answersKeptCalls(segments: readonly Segment[]): boolean {
  return segments[segments.length - 2]?.kind === 'model' && segments.some((segment) => segment.kind === 'human');
}

function dropLeadingNonHuman(segments: Segment[], notes: string[]): Segment[] {
  const firstHuman = segments.findIndex((segment) => segment.kind === 'human');
  const dropCount = firstHuman === -1 ? segments.length : firstHuman;
  for (const segment of segments.slice(0, dropCount)) {
    const what = segment.kind === 'model' ? 'model turn' : 'observation';
    notes.push(`dropped a leading ${what} before the first human turn (formats.md 5.2 step 3)`);
  }
  return segments.slice(dropCount);
}

// ---------------------------------------------------------------------------------------------
// rendering

interface RenderedTurn {
  from: ShareGptRole;
  value: string;
  images: string[];
}

/** Text parts joined with "\n"; an image becomes `<image>` where it was, its url appended to `images`. */
function renderUserParts(parts: readonly ContentPart[], images: string[]): string {
  let out = '';
  let previousWasText = false;
  for (const part of parts) {
    if (part.type === 'image') {
      out += IMAGE_PLACEHOLDER;
      images.push(part.url);
      previousWasText = false;
    } else if (part.text !== '') {
      out += (previousWasText ? '\n' : '') + part.text;
      previousWasText = true;
    }
  }
  return out;
}

function renderHuman(messages: readonly UserMessage[]): RenderedTurn {
  const images: string[] = [];
  const values = messages.map((message) => renderUserParts(message.parts, images)).filter((value) => value !== '');
  return { from: 'human', value: values.join('\n\n'), images };
}

function renderModel(messages: readonly AssistantMessage[], notes: string[]): RenderedTurn {
  const reasonings: string[] = [];
  const texts: string[] = [];
  const calls: ToolCall[] = [];
  for (const message of messages) {
    const { reasoning, answer } = splitReasoning(message, notes);
    if (reasoning !== '' && !reasonings.includes(reasoning)) reasonings.push(reasoning);
    if (answer.trim() !== '') texts.push(answer);
    calls.push(...message.toolCalls);
    if (message.parts.some((part) => part.type === 'image')) {
      notes.push('an image in an assistant message was dropped (media output is not trainable)');
    }
  }
  const reasoning = reasonings.join('\n\n');
  const text = texts.join('\n\n');

  // The layout itself is written in one place, model-turn.ts (repairs of edited rows use it too).
  if (calls.length === 0) {
    return { from: 'gpt', value: renderModelTurn({ reasoning, text, calls: null }), images: [] };
  }
  for (const call of calls) {
    if (call.argumentsInvalid === true) {
      notes.push(`call "${call.name}" has arguments that are not valid JSON: kept raw, the row will be rejected`);
    }
  }
  if (text.trim() !== '') notes.push('text next to tool calls is kept in front of <tool_call> (needs LLaMA-Factory >= 0.9.4)');
  return { from: 'function_call', value: renderModelTurn({ reasoning, text, calls: calls.map(normalCallOf) }), images: [] };
}

/** A canonical call as the model-turn layout writes it: arguments parsed from their exact text, so long integers keep their digits. */
function normalCallOf(call: ToolCall): NormalCall {
  if (call.argumentsInvalid === true || call.argumentsText === undefined) return { name: call.name, arguments: call.arguments };
  return { name: call.name, arguments: parseJsonLoosely(call.argumentsText) ?? call.arguments };
}

/**
 * Reasoning from the `reasoning` field and from a `<think>…</think>` block that opens the visible
 * text (R1-style models served raw, formats.md 4), trimmed; the answer is what follows the block.
 */
function splitReasoning(message: AssistantMessage, notes: string[]): { reasoning: string; answer: string } {
  // Text runs that other blocks or output items separated are a blank line apart (assistantText).
  let answer = assistantText(message.parts);
  const pieces: string[] = [];
  const fromField = message.reasoning?.trim() ?? '';
  if (fromField !== '') pieces.push(fromField);

  const leading = answer.trimStart();
  if (leading.startsWith('<think>')) {
    const close = leading.indexOf('</think>');
    if (close === -1) {
      notes.push('assistant text opens a <think> block that is never closed: left as text');
    } else {
      const inner = leading.slice('<think>'.length, close).trim();
      if (inner !== '' && inner !== fromField) pieces.push(inner);
      answer = leading.slice(close + '</think>'.length).trimStart();
      notes.push('a <think> block in the assistant text was normalised to the canonical reasoning prefix');
    }
  }
  return { reasoning: pieces.join('\n\n'), answer };
}

function renderObservation(
  segment: Extract<Segment, { kind: 'observation' }>,
  precedingCalls: readonly ToolCall[],
  notes: string[],
): RenderedTurn {
  const images: string[] = [];
  const results = orderResults(segment.results, precedingCalls, notes);
  const resultText = results.map((result) => result.content).join(TOOL_RESPONSE_SEPARATOR);
  const userText = segment.parts
    .map((parts) => renderUserParts(parts, images))
    .filter((value) => value !== '')
    .join('\n\n');
  let value = resultText;
  if (userText !== '') value = resultText === '' ? userText : resultText + '\n\n' + userText;
  return { from: 'observation', value, images };
}

/**
 * Results in the order of the calls they answer (formats.md 5.1 "parallel results"): by call id
 * first, then by tool name, then by position; results matching no call go last, in source order.
 */
function orderResults(results: readonly ToolResult[], calls: readonly ToolCall[], notes: string[]): ToolResult[] {
  if (calls.length === 0) {
    if (results.length > 0) notes.push('tool results do not follow a tool call');
    return [...results];
  }
  const slots: (ToolResult | undefined)[] = calls.map(() => undefined);
  const pending = new Set(results.keys());
  const assign = (matches: (call: ToolCall, result: ToolResult) => boolean): void => {
    for (const index of [...pending]) {
      const result = results[index] as ToolResult;
      const slot = calls.findIndex((call, i) => slots[i] === undefined && matches(call, result));
      if (slot !== -1) {
        slots[slot] = result;
        pending.delete(index);
      }
    }
  };
  assign((call, result) => result.callId !== undefined && call.id === result.callId);
  assign((call, result) => result.name !== undefined && call.name === result.name);
  assign(() => true);

  const missing = calls.filter((_, i) => slots[i] === undefined).map((call) => call.name);
  if (missing.length > 0) notes.push(`no recorded result for call(s): ${missing.join(', ')}`);
  if (pending.size > 0) notes.push(`${pending.size} tool result(s) match no call: appended last`);
  return [
    ...slots.filter((slot): slot is ToolResult => slot !== undefined),
    ...[...pending].map((index) => results[index] as ToolResult),
  ];
}

// ---------------------------------------------------------------------------------------------
// tools column (formats.md 1.6)

/** Keys whose values are data, not schema: never rewritten. */
const SCHEMA_DATA_KEYS = new Set(['default', 'const', 'examples', 'example']);

/** `parameters` every LF tool format accepts: an object schema with `properties`, string enums, lower-case types. */
function portableParameters(parameters: unknown): Record<string, unknown> {
  const schema = isPlainObject(parameters) ? (portableSchema(parameters) as Record<string, unknown>) : {};
  if (schema['type'] === undefined) schema['type'] = 'object';
  if (!isPlainObject(schema['properties'])) schema['properties'] = {};
  return schema;
}

function portableSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(portableSchema);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'enum' && Array.isArray(inner)) {
      out[key] = inner.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
    } else if (key === 'type' && typeof inner === 'string') {
      out[key] = inner.toLowerCase();
    } else if (SCHEMA_DATA_KEYS.has(key)) {
      out[key] = inner;
    } else {
      out[key] = portableSchema(inner);
    }
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// notes on the whole row (formats.md 5.2 steps 4 and 6)

function noteEnding(conversation: Conversation, turns: readonly ShareGptTurn[], notes: string[]): void {
  if (!conversation.complete) notes.push('the exchange is incomplete (cut off or failed): exclude the row');
  const reason = conversation.finishReason?.unified;
  if (reason === 'length' || reason === 'error' || reason === 'content_filter') {
    notes.push(`finish reason is "${reason}": exclude the row`);
  }
  const last = turns[turns.length - 1];
  if (last === undefined) {
    notes.push('no turn left: the conversation has no human turn');
  } else if (last.from !== 'gpt' && last.from !== 'function_call') {
    notes.push(`the row ends with ${last.from}, not with a model answer`);
  }
}

function notePlaceholders(turns: readonly ShareGptTurn[], images: readonly string[], notes: string[]): void {
  const placeholders = turns.reduce((count, turn) => count + turn.value.split(IMAGE_PLACEHOLDER).length - 1, 0);
  if (placeholders !== images.length) {
    notes.push('a text holds a literal <image>: the placeholder count no longer matches the images');
  }
  if (turns.some((turn) => turn.value.includes('<video>') || turn.value.includes('<audio>'))) {
    notes.push('a text holds a literal <video> or <audio> placeholder: not for a multimodal export');
  }
}
