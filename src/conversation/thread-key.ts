// Thread linking for agent loops and chats, which resend the whole history on every call.
// A record's `selfKey` hashes its history plus the model's answer; the next call's history
// extends exactly that, so its `parentKey` (the history up to its last assistant message) equals
// the earlier record's `selfKey`. Both hash a normalised form that ignores what clients change
// when they resend history: reasoning / thinking blocks, call and result ids, surrounding
// whitespace, line endings, argument key order, and how same-role messages are split.
// Pure (node:crypto hashing only).
import { createHash, type Hash } from 'node:crypto';
import { isEmptyAssistantMessage } from './build-conversation.js';
import type { ContentPart, Message, ModelResponse, RequestConversation } from './model.js';

export interface ThreadKeys {
  /** Key of the record this request continues; null when the request holds no assistant message. */
  parentKey: string | null;
  /** Key a later request continuing this exchange will carry as its parentKey. */
  selfKey: string;
}

/** Bump when the normalised form changes: keys of old and new records then never collide. */
const KEY_VERSION = 'thread-key/v1';
const KEY_LENGTH = 32;

export function threadKeysOf(request: RequestConversation, response: ModelResponse | null): ThreadKeys {
  const lastAssistant = request.messages.map((message) => message.role).lastIndexOf('assistant');
  const answered = response !== null && !isEmptyAssistantMessage(response.message);
  const own: Message[] = answered ? [...request.messages, response.message] : request.messages;
  // An answer that continues the request's last message (a prefill) merges with it, so the
  // parent's history is not a prefix of this one's: hashed apart.
  if (lastAssistant !== -1 && answered && lastAssistant === request.messages.length - 1) {
    return { parentKey: hashHistory(request.system, request.messages.slice(0, lastAssistant + 1)).whole, selfKey: hashHistory(request.system, own).whole };
  }
  // Otherwise the parent's history (up to the last assistant message) is a prefix of this one:
  // one running hash over the normalised messages gives both keys.
  const keys = hashHistory(request.system, own, lastAssistant);
  return { parentKey: keys.prefix, selfKey: keys.whole };
}

// ---------------------------------------------------------------------------------------------

type Piece = { text: string } | { image: string };

/**
 * Every object below is built with its keys in sorted order and holds no undefined, so the
 * native JSON.stringify writes exactly canonicalJson's text without sorting keys at every level
 * (threadKeysOf on a 60-message history: 1.9-2.0 -> 1.35-1.9 ms; normalising the text and sha-256
 * are the rest). The golden keys in thread-key.test.ts hold it to the same text.
 */
type NormalMessage =
  | { content: Piece[]; role: 'user' }
  /** `text` is raw while messages are merged and normalised at the end. */
  | { calls: { arguments: string; name: string }[]; images: string[]; role: 'assistant'; text: string }
  | { content: Piece[]; results: string[]; role: 'tool' };

/**
 * The key of a history: sha-256 of KEY_VERSION and canonicalJson({ system, messages }) of its
 * normalised form, written out as the JSON goes ("messages" sorts before "system"), so that a
 * running hash can be taken at any message.
 */
const HASH_HEAD = `${KEY_VERSION}\n{"messages":[`;

/**
 * The key of the whole history, and (`through`: a message index) the key of the history up to
 * that message: a copy of the running hash taken once that message is merged in. Only right when
 * nothing after it merges into it (threadKeysOf hashes a prefill apart).
 */
function hashHistory(system: string, messages: readonly Message[], through = -1): { prefix: string | null; whole: string } {
  const groups = mergeSameRole(messages.map(normaliseMessage), through);
  const hash = createHash('sha256').update(HASH_HEAD);
  let prefix: string | null = null;
  groups.messages.forEach((message, index) => {
    hash.update((index === 0 ? '' : ',') + JSON.stringify(finishAssistantText(message)));
    if (index === groups.prefixEnd - 1) prefix = digestOf(hash.copy(), system);
  });
  return { prefix, whole: digestOf(hash, system) };
}

function digestOf(hash: Hash, system: string): string {
  return hash.update(`],"system":${canonicalJson(normaliseText(system))}}`).digest('hex').slice(0, KEY_LENGTH);
}

function normaliseMessage(message: Message): NormalMessage {
  switch (message.role) {
    case 'user':
      return { content: normaliseParts(message.parts), role: 'user' };
    case 'tool':
      return {
        content: normaliseParts(message.parts),
        results: message.results.map((result) => normaliseText(result.content)),
        role: 'tool',
      };
    case 'assistant':
      return {
        calls: message.toolCalls.map((call) => ({ arguments: canonicalJson(call.arguments), name: call.name })),
        images: message.parts.flatMap((part) => (part.type === 'image' ? [hashUrl(part.url)] : [])),
        role: 'assistant',
        // Kept raw until merged: a prefill and its continuation concatenate without separator.
        text: message.parts.map((part) => (part.type === 'text' ? part.text : '')).join(''),
      };
  }
}

function normaliseParts(parts: readonly ContentPart[]): Piece[] {
  const pieces: Piece[] = [];
  for (const part of parts) {
    if (part.type === 'image') {
      pieces.push({ image: hashUrl(part.url) });
      continue;
    }
    const text = normaliseText(part.text);
    if (text !== '') pieces.push({ text });
  }
  return pieces;
}

/**
 * Clients split or join same-role messages differently (prefill + answer, one tool message per
 * result). The messages are normaliseMessage's own (made for this call): merged in place.
 * `prefixEnd`: the number of merged messages once the message at `through` is merged in.
 */
function mergeSameRole(messages: NormalMessage[], through = -1): { messages: NormalMessage[]; prefixEnd: number } {
  const merged: NormalMessage[] = [];
  let prefixEnd = 0;
  messages.forEach((message, index) => {
    const last = merged[merged.length - 1];
    if (last === undefined || last.role !== message.role) {
      merged.push(message);
    } else if (last.role === 'user' && message.role === 'user') {
      last.content.push(...message.content);
    } else if (last.role === 'tool' && message.role === 'tool') {
      last.results.push(...message.results);
      last.content.push(...message.content);
    } else if (last.role === 'assistant' && message.role === 'assistant') {
      last.text += message.text;
      last.images.push(...message.images);
      last.calls.push(...message.calls);
    }
    if (index === through) prefixEnd = merged.length;
  });
  return { messages: merged, prefixEnd };
}

/** Reasoning is never part of the key: a `<think>` block opening the text (R1 served raw) is cut. */
function finishAssistantText(message: NormalMessage): NormalMessage {
  if (message.role !== 'assistant') return message;
  let text = message.text.trimStart();
  if (text.startsWith('<think>')) {
    const close = text.indexOf('</think>');
    if (close !== -1) text = text.slice(close + '</think>'.length);
  }
  return { calls: message.calls, images: message.images, role: 'assistant', text: normaliseText(text) };
}

function normaliseText(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim();
}

function hashUrl(url: string): string {
  return createHash('sha256').update(url).digest('hex');
}

/** JSON with object keys sorted at every level, so argument key order does not matter. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
