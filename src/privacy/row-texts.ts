// Every text an exported row will contain, with where it is (turn, field) and how to write it
// back: the ShareGPT row (formats.md 1.2: system, tools, each turn's value) and the OpenAI rows
// (formats.md 3 and 7: message content and parts, reasoning_content, tool-call arguments, tool
// results, tools). A text is `json` when the row needs it to stay valid JSON (tool-call arguments,
// a function_call turn, the ShareGPT tools string, a tool result that is JSON): it is redacted
// inside its parsed string values and serialised again, so a redaction never breaks the row.
// Pure; works on a copy the caller owns.
import { isLosslessNumber, parse as parseLossless, stringify as stringifyLossless } from 'lossless-json';

export interface Place {
  /** Index in `conversations` (ShareGPT) or `messages` (OpenAI); null for row-level fields. */
  turn: number | null;
  field: string;
}

export interface TextSlot {
  place: Place;
  text: string;
  json: boolean;
  /** Absent for texts that are only scanned (the serialised tools list of an OpenAI row). */
  write?: (text: string) => void;
}

export function slotsOf(format: string, row: unknown): TextSlot[] {
  if (!isObject(row)) return [];
  return format === 'sharegpt' ? shareGptSlots(row) : openAiSlots(row);
}

function shareGptSlots(row: Record<string, unknown>): TextSlot[] {
  const slots: TextSlot[] = [];
  if (typeof row['system'] === 'string' && row['system'] !== '') {
    slots.push({ place: { turn: null, field: 'system' }, text: row['system'], json: false, write: (text) => (row['system'] = text) });
  }
  if (typeof row['tools'] === 'string' && row['tools'] !== '') {
    slots.push({ place: { turn: null, field: 'tools' }, text: row['tools'], json: isJsonText(row['tools']), write: (text) => (row['tools'] = text) });
  }
  const turns = Array.isArray(row['conversations']) ? row['conversations'] : [];
  for (const [index, turn] of turns.entries()) {
    if (!isObject(turn) || typeof turn['value'] !== 'string') continue;
    const from = typeof turn['from'] === 'string' ? turn['from'] : 'turn';
    const value = turn['value'];
    const json = from === 'function_call' || (from === 'observation' && isJsonText(value));
    slots.push({ place: { turn: index, field: from }, text: value, json, write: (text) => (turn['value'] = text) });
  }
  return slots;
}

function openAiSlots(row: Record<string, unknown>): TextSlot[] {
  const slots: TextSlot[] = [];
  const messages = Array.isArray(row['messages']) ? row['messages'] : [];
  for (const [index, message] of messages.entries()) {
    if (!isObject(message)) continue;
    const role = typeof message['role'] === 'string' ? message['role'] : 'message';
    const content = message['content'];
    if (typeof content === 'string') {
      slots.push({ place: { turn: index, field: `${role}.content` }, text: content, json: false, write: (text) => (message['content'] = text) });
    } else if (Array.isArray(content)) {
      for (const part of content) {
        if (isObject(part) && typeof part['text'] === 'string') {
          slots.push({ place: { turn: index, field: `${role}.content` }, text: part['text'], json: false, write: (text) => (part['text'] = text) });
        }
      }
    }
    if (typeof message['reasoning_content'] === 'string') {
      slots.push({
        place: { turn: index, field: `${role}.reasoning_content` },
        text: message['reasoning_content'],
        json: false,
        write: (text) => (message['reasoning_content'] = text),
      });
    }
    const calls = Array.isArray(message['tool_calls']) ? message['tool_calls'] : [];
    for (const call of calls) {
      const fn = isObject(call) && isObject(call['function']) ? call['function'] : null;
      if (fn === null || typeof fn['arguments'] !== 'string') continue;
      slots.push({
        place: { turn: index, field: `${role}.tool_calls.arguments` },
        text: fn['arguments'],
        json: isJsonText(fn['arguments']),
        write: (text) => (fn['arguments'] = text),
      });
    }
  }
  if (Array.isArray(row['tools'])) {
    // Scanned whole for context (a key name before a value), redacted leaf by leaf.
    slots.push({ place: { turn: null, field: 'tools' }, text: JSON.stringify(row['tools']), json: false });
    forEachString(row['tools'], (text, write) => slots.push({ place: { turn: null, field: 'tools' }, text, json: false, write }));
  }
  return slots;
}

/** The texts to scan for one slot: the text itself and, for JSON, every string in it. */
export function scanTextsOf(slot: TextSlot): string[] {
  if (!slot.json) return [slot.text];
  const texts = [slot.text];
  try {
    forEachString(JSON.parse(slot.text) as unknown, (text) => texts.push(text), true);
  } catch {
    // not JSON after all: the text alone
  }
  return texts;
}

export interface Replacement {
  value: string;
  placeholder: string;
}

/**
 * Replaces every occurrence of each value, longest first (a value inside a longer one is not cut
 * out of it first). Also the value's JSON-escaped form, for JSON shown as text.
 */
export function redactText(text: string, replacements: readonly Replacement[]): string {
  const pattern = replacementPattern(replacements);
  if (pattern === null) return text;
  return text.replace(pattern.regex, (match) => pattern.placeholderOf.get(match) ?? match);
}

export function redactSlot(slot: TextSlot, replacements: readonly Replacement[]): string {
  if (!slot.json) return redactText(slot.text, replacements);
  // A whole document that is a secret (a service-account key file) becomes one JSON string.
  const whole = replacements.find(({ value }) => formsOf(value).includes(slot.text.trim()));
  if (whole !== undefined) return JSON.stringify(whole.placeholder);
  let parsed: unknown;
  try {
    parsed = parseLossless(slot.text);
  } catch {
    return redactText(slot.text, replacements);
  }
  let changed = false;
  const redactValue = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const redacted = redactText(value, replacements);
      if (redacted !== value) changed = true;
      return redacted;
    }
    if (isLosslessNumber(value)) {
      // A card number written as a JSON number becomes a string placeholder.
      const redacted = redactText(value.value, replacements);
      if (redacted === value.value) return value;
      changed = true;
      return redacted;
    }
    if (Array.isArray(value)) return value.map(redactValue);
    if (isObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, entry] of Object.entries(value)) {
        const redactedKey = redactText(key, replacements);
        if (redactedKey !== key) changed = true;
        out[redactedKey] = redactValue(entry);
      }
      return out;
    }
    return value;
  };
  const redacted = redactValue(parsed);
  // Unchanged texts keep their exact bytes (formatting, key order, number spelling).
  return changed ? (stringifyLossless(redacted) ?? slot.text) : slot.text;
}

/** Every form a value can take in a row or in a JSONL line: as is, JSON-escaped, JSON-unescaped. */
export function formsOf(value: string): string[] {
  const forms = new Set([value]);
  const escaped = JSON.stringify(value).slice(1, -1);
  forms.add(escaped);
  forms.add(JSON.stringify(escaped).slice(1, -1));
  if (value.includes('\\')) {
    try {
      const unescaped = JSON.parse(`"${value}"`) as unknown;
      if (typeof unescaped === 'string') forms.add(unescaped);
    } catch {
      // not a JSON string body
    }
  }
  return [...forms].filter((form) => form !== '');
}

function replacementPattern(replacements: readonly Replacement[]): { regex: RegExp; placeholderOf: Map<string, string> } | null {
  const placeholderOf = new Map<string, string>();
  for (const { value, placeholder } of replacements) {
    for (const form of formsOf(value)) if (!placeholderOf.has(form)) placeholderOf.set(form, placeholder);
  }
  if (placeholderOf.size === 0) return null;
  const alternatives = [...placeholderOf.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return { regex: new RegExp(alternatives.join('|'), 'g'), placeholderOf };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function isJsonText(text: string): boolean {
  const trimmed = text.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return false;
  try {
    JSON.parse(trimmed);
    return true;
  } catch {
    return false;
  }
}

function forEachString(value: unknown, visit: (text: string, write: (text: string) => void) => void, keys = false): void {
  if (Array.isArray(value)) {
    for (const [index, entry] of value.entries()) {
      if (typeof entry === 'string') visit(entry, (text) => (value[index] = text));
      else forEachString(entry, visit, keys);
    }
  } else if (isObject(value)) {
    for (const [key, entry] of Object.entries(value)) {
      if (keys) visit(key, () => undefined);
      if (typeof entry === 'string') visit(entry, (text) => (value[key] = text));
      else forEachString(entry, visit, keys);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
