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
 * out of it first), in all its JSON spellings (formsOf), for JSON shown as text. Compiled once per
 * row: a regular expression for a few values, a scan indexed by the first two characters for many
 * (a tool result listing thousands of addresses would make one alternation crawl), then by length.
 */
export class Replacer {
  readonly #placeholderOf = new Map<string, string>();
  readonly #regex: RegExp | null = null;
  /** First two characters -> the lengths of the forms starting with them (longest first), and the forms. */
  readonly #byPrefix = new Map<number, { lengths: number[]; forms: Set<string> }>();

  constructor(replacements: readonly Replacement[]) {
    for (const { value, placeholder } of replacements) {
      for (const form of formsOf(value)) if (form.length >= 2 && !this.#placeholderOf.has(form)) this.#placeholderOf.set(form, placeholder);
    }
    const forms = [...this.#placeholderOf.keys()].sort((a, b) => b.length - a.length);
    if (forms.length === 0) return;
    if (forms.length <= 100) {
      this.#regex = new RegExp(forms.map(escapeRegExp).join('|'), 'g');
      return;
    }
    for (const form of forms) {
      const key = form.charCodeAt(0) * 65_536 + form.charCodeAt(1);
      let entry = this.#byPrefix.get(key);
      if (entry === undefined) this.#byPrefix.set(key, (entry = { lengths: [], forms: new Set() }));
      entry.forms.add(form);
      if (!entry.lengths.includes(form.length)) entry.lengths.push(form.length);
    }
    for (const entry of this.#byPrefix.values()) entry.lengths.sort((a, b) => b - a);
  }

  get empty(): boolean {
    return this.#placeholderOf.size === 0;
  }

  /** The placeholder when the whole text is one value (a key file read as is). */
  wholeOf(text: string): string | undefined {
    return this.#placeholderOf.get(text.trim());
  }

  replace(text: string): string {
    if (this.empty) return text;
    if (this.#regex !== null) return text.replace(this.#regex, (match) => this.#placeholderOf.get(match) ?? match);
    let out = '';
    let last = 0;
    let index = 0;
    while (index + 1 < text.length) {
      const form = this.#formAt(text, index);
      if (form === undefined) {
        index += 1;
        continue;
      }
      out += text.slice(last, index) + this.#placeholderOf.get(form)!;
      index += form.length;
      last = index;
    }
    return last === 0 ? text : out + text.slice(last);
  }

  occursIn(text: string): boolean {
    if (this.empty) return false;
    if (this.#regex !== null) {
      this.#regex.lastIndex = 0;
      const found = this.#regex.test(text);
      this.#regex.lastIndex = 0;
      return found;
    }
    for (let index = 0; index + 1 < text.length; index += 1) if (this.#formAt(text, index) !== undefined) return true;
    return false;
  }

  #formAt(text: string, index: number): string | undefined {
    const entry = this.#byPrefix.get(text.charCodeAt(index) * 65_536 + text.charCodeAt(index + 1));
    if (entry === undefined) return undefined;
    for (const length of entry.lengths) {
      const candidate = text.slice(index, index + length);
      if (entry.forms.has(candidate)) return candidate;
    }
    return undefined;
  }
}

export function redactText(text: string, replacements: Replacer | readonly Replacement[]): string {
  return (replacements instanceof Replacer ? replacements : new Replacer(replacements)).replace(text);
}

export function redactSlot(slot: TextSlot, replacements: Replacer | readonly Replacement[]): string {
  const replacer = replacements instanceof Replacer ? replacements : new Replacer(replacements);
  if (!slot.json) return replacer.replace(slot.text);
  // A whole document that is a secret (a service-account key file) becomes one JSON string.
  const whole = replacer.wholeOf(slot.text);
  if (whole !== undefined) return JSON.stringify(whole);
  let parsed: unknown;
  try {
    parsed = parseLossless(slot.text);
  } catch {
    return replacer.replace(slot.text);
  }
  let changed = false;
  const redactValue = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const redacted = replacer.replace(value);
      if (redacted !== value) changed = true;
      return redacted;
    }
    if (isLosslessNumber(value)) {
      // A card number written as a JSON number becomes a string placeholder.
      const redacted = replacer.replace(value.value);
      if (redacted === value.value) return value;
      changed = true;
      return redacted;
    }
    if (Array.isArray(value)) return value.map(redactValue);
    if (isObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, entry] of Object.entries(value)) {
        const redactedKey = replacer.replace(key);
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
