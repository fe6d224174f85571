// Repairs a ShareGPT row before export (the "Quality control"; formats.md 1.2-1.8, 5.1-5.2).
// The row is a stored derived row (already canonical: nothing changes) or a human edit, which may
// hold anything: OpenAI / Anthropic / Gemini call shapes, one function_call turn per parallel call,
// one observation per result, role/content keys, a leading system turn, <think> blocks in any
// spelling, tools as a list. Each change is named (repair-names.ts) so the report can count it.
// What cannot be read is left as it is, for validate-sharegpt.ts to reject with a reason. Pure.
import type { ToolSchema } from '../conversation/model.js';
import { matchResultsToCalls } from './match-results.js';
import { mergeModelTurns, readFunctionCallValue, readGptValue, renderModelTurn, type ModelTurn, type NormalCall } from './model-turn.js';
import { RepairLog, type RepairName } from './repair-names.js';
import { TOOL_RESPONSE_SEPARATOR } from './sharegpt-markers.js';
import type { ShareGptRow } from './sharegpt-types.js';
import { toolsToJson } from './to-sharegpt.js';
import { applyToolsPolicy, readToolsValue, type ToolsSchemaPolicy } from './tool-schemas.js';
import { truncateText } from './truncate-text.js';
import { stringifyJson } from '../wire/shared/read-json.js';

export interface TrainingRowOptions {
  /** `drop` removes reasoning from every model turn (default keep). */
  reasoning?: 'keep' | 'drop';
  /** Cut each tool result to this many characters (default: no limit). */
  truncateObservation?: number;
  /** Which tool schemas a row declares (default auto, see tool-schemas.ts applyToolsPolicy). */
  toolsSchema?: ToolsSchemaPolicy;
}

export interface RepairedShareGpt {
  /** The repaired row; the input itself when it is not an object with a list of turns. */
  row: ShareGptRow | unknown;
  repairs: RepairName[];
}

export function repairShareGptRow(input: unknown, options: TrainingRowOptions = {}): RepairedShareGpt {
  const log = new RepairLog();
  if (!isPlainObject(input)) return { row: input, repairs: [] };
  let rawTurns = input['conversations'];
  if (rawTurns === undefined && Array.isArray(input['messages'])) {
    rawTurns = input['messages'];
    log.add('role-renamed');
  }
  if (!Array.isArray(rawTurns)) return { row: input, repairs: [] };

  const extraKeys = Object.keys(input).filter((key) => !ROW_KEYS.has(key) && !(key === 'messages' && rawTurns === input['messages']));
  if (extraKeys.length > 0) log.add('extra-keys-dropped');

  let items = rawTurns.map((turn) => readTurn(turn, log));
  const systemTexts: string[] = [];
  while (items[0]?.kind === 'system') {
    systemTexts.push(items[0].text);
    items = items.slice(1);
    log.add('system-turn-moved');
  }
  items = mergeNeighbours(items, log);
  items = dropLeadingNonHuman(items, log);
  orderObservations(items, log);
  applyOptions(items, options, log);

  const conversations = items.map(renderItem);
  const calls = items.flatMap((item) => (item.kind === 'model' ? (item.turn.calls ?? []) : []));
  const row = {
    conversations,
    system: systemColumn(input['system'], systemTexts, log),
    tools: toolsColumn(input['tools'], calls, options.toolsSchema ?? 'auto', log),
    images: imagesColumn(input['images'], log),
  };
  return { row, repairs: log.names };
}

// ---------------------------------------------------------------------------------------------
// reading turns

const ROW_KEYS = new Set(['conversations', 'system', 'tools', 'images']);

interface ResultPiece {
  content: string;
  callId?: string;
  name?: string;
}

type Item =
  | { kind: 'human'; text: string; raw: unknown; dirty: boolean }
  | { kind: 'system'; text: string }
  | { kind: 'observation'; results: ResultPiece[]; appended: string[]; raw: unknown; dirty: boolean }
  | { kind: 'model'; from: 'gpt' | 'function_call'; turn: ModelTurn; raw: unknown; dirty: boolean }
  /** Unreadable (unknown role, non-string value, unparseable calls): written back untouched. */
  | { kind: 'opaque'; turn: unknown };

const ROLE_ALIASES: Record<string, 'human' | 'gpt' | 'function_call' | 'observation' | 'system'> = {
  human: 'human',
  user: 'human',
  gpt: 'gpt',
  assistant: 'gpt',
  model: 'gpt',
  function_call: 'function_call',
  tool_call: 'function_call',
  tool_calls: 'function_call',
  observation: 'observation',
  tool: 'observation',
  function: 'observation',
  tool_result: 'observation',
  system: 'system',
  developer: 'system',
};

function readTurn(turn: unknown, log: RepairLog): Item {
  if (!isPlainObject(turn)) return { kind: 'opaque', turn };
  const renamedKeys = !('from' in turn) && 'role' in turn;
  const rawRole = renamedKeys ? turn['role'] : turn['from'];
  const value = 'value' in turn || !('content' in turn) ? turn['value'] : turn['content'];
  const role = typeof rawRole === 'string' ? ROLE_ALIASES[rawRole] : undefined;
  if (role === undefined) return { kind: 'opaque', turn };
  const read = readValue(role, value);
  if (read === null) return { kind: 'opaque', turn: role === 'function_call' ? { from: 'function_call', value } : turn };

  const repairs = [...read.repairs];
  if (renamedKeys || !('value' in turn) || role !== rawRole) repairs.push('role-renamed');
  const known = renamedKeys ? ['role', 'content'] : ['from', 'value'];
  if (Object.keys(turn).some((key) => !known.includes(key))) repairs.push('extra-keys-dropped');
  log.addAll(repairs);
  if (repairs.length > 0 && read.item.kind !== 'system') read.item.dirty = true;
  return read.item;
}

type Role = 'human' | 'gpt' | 'function_call' | 'observation' | 'system';
type ReadItem = { item: Exclude<Item, { kind: 'opaque' }>; repairs: RepairName[] };

/** A turn value read for its role; null when it cannot be read (kept as an opaque turn). */
function readValue(role: Role, value: unknown): ReadItem | null {
  const stringified: RepairName[] = typeof value === 'string' ? [] : ['value-stringified'];
  switch (role) {
    case 'human':
    case 'system': {
      const text = typeof value === 'string' ? value : textOfParts(value);
      if (text === null) return null;
      const item: ReadItem['item'] = role === 'system' ? { kind: 'system', text } : { kind: 'human', text, raw: value, dirty: false };
      return { item, repairs: stringified };
    }
    case 'gpt': {
      const text = typeof value === 'string' ? value : textOfParts(value);
      if (text === null) return null;
      const read = readGptValue(text);
      return { item: { kind: 'model', from: 'gpt', turn: read.turn, raw: value, dirty: false }, repairs: [...stringified, ...read.repairs] };
    }
    case 'function_call': {
      const read = readFunctionCallValue(value);
      if (read === null) return null;
      return { item: { kind: 'model', from: 'function_call', turn: read.turn, raw: value, dirty: false }, repairs: read.repairs };
    }
    case 'observation': {
      const results = typeof value === 'string' ? splitResults(value) : observationResults(value);
      if (results === null) return null;
      return { item: { kind: 'observation', results, appended: [], raw: value, dirty: false }, repairs: stringified };
    }
  }
}

function splitResults(value: string): ResultPiece[] {
  return value.split(TOOL_RESPONSE_SEPARATOR).map((content) => ({ content }));
}

/** Observation values an edit may hold: a tool message / tool_result / functionResponse object, a list of them, or any JSON value. */
function observationResults(value: unknown): ResultPiece[] | null {
  if (value === null || value === undefined) return null;
  const list = Array.isArray(value) && value.length > 0 && value.every(isResultWrapper) ? value : [value];
  return list.map((entry) => unwrapResult(entry));
}

function isResultWrapper(value: unknown): value is Record<string, unknown> {
  return (
    isPlainObject(value) &&
    (typeof value['tool_call_id'] === 'string' ||
      typeof value['tool_use_id'] === 'string' ||
      value['type'] === 'tool_result' ||
      isPlainObject(value['functionResponse']) ||
      isPlainObject(value['function_response']))
  );
}

function unwrapResult(value: unknown): ResultPiece {
  if (!isResultWrapper(value)) return { content: typeof value === 'string' ? value : stringifyJson(value) };
  const gemini = value['functionResponse'] ?? value['function_response'];
  if (isPlainObject(gemini)) {
    const piece: ResultPiece = { content: stringifyJson(gemini['response'] ?? {}) };
    if (typeof gemini['id'] === 'string') piece.callId = gemini['id'];
    if (typeof gemini['name'] === 'string') piece.name = gemini['name'];
    return piece;
  }
  const content = value['content'];
  const text = typeof content === 'string' ? content : (textOfParts(content) ?? stringifyJson(content ?? ''));
  const piece: ResultPiece = { content: text };
  const callId = value['tool_call_id'] ?? value['tool_use_id'];
  if (typeof callId === 'string') piece.callId = callId;
  if (typeof value['name'] === 'string') piece.name = value['name'];
  return piece;
}

/** Text of a list of parts (strings, {type:"text",text}, {text}); null when it holds anything else. */
function textOfParts(value: unknown): string | null {
  if (!Array.isArray(value)) return null;
  const texts: string[] = [];
  for (const part of value) {
    if (typeof part === 'string') texts.push(part);
    else if (isPlainObject(part) && typeof part['text'] === 'string' && (part['type'] === undefined || part['type'] === 'text')) texts.push(part['text']);
    else return null;
  }
  return texts.join('\n');
}

// ---------------------------------------------------------------------------------------------
// merging (formats.md 5.2 steps 2-3)

function mergeNeighbours(items: readonly Item[], log: RepairLog): Item[] {
  const out: Item[] = [];
  for (const item of items) {
    const last = out[out.length - 1];
    if (last?.kind === 'human' && item.kind === 'human') {
      last.text = [last.text, item.text].filter((text) => text.trim() !== '').join('\n\n');
      last.dirty = true;
      log.add('same-role-merged');
    } else if (last?.kind === 'observation' && item.kind === 'observation') {
      last.results.push(...item.results);
      last.appended.push(...item.appended);
      last.dirty = true;
      log.add('observations-merged');
    } else if (last?.kind === 'observation' && item.kind === 'human') {
      last.appended.push(item.text);
      last.dirty = true;
      log.add('human-merged-into-observation');
    } else if (last?.kind === 'model' && item.kind === 'model') {
      const bothCall = last.turn.calls !== null && item.turn.calls !== null;
      log.add(bothCall ? 'parallel-calls-merged' : last.turn.calls === null && item.turn.calls !== null ? 'text-merged-into-call' : 'same-role-merged');
      last.turn = mergeModelTurns(last.turn, item.turn);
      last.from = last.turn.calls === null ? 'gpt' : 'function_call';
      last.dirty = true;
    } else {
      out.push(item);
    }
  }
  return out;
}

function dropLeadingNonHuman(items: Item[], log: RepairLog): Item[] {
  const firstHuman = items.findIndex((item) => item.kind === 'human');
  if (firstHuman <= 0) return items;
  const leading = items.slice(0, firstHuman);
  if (!leading.every((item) => item.kind === 'model' || item.kind === 'observation')) return items;
  log.add('leading-turns-dropped');
  return items.slice(firstHuman);
}

/** Results in the order of the calls of the model turn before them (formats.md 1.5). */
function orderObservations(items: Item[], log: RepairLog): void {
  items.forEach((item, index) => {
    if (item.kind !== 'observation' || item.results.length < 2) return;
    const previous = items[index - 1];
    const calls: NormalCall[] = previous?.kind === 'model' ? (previous.turn.calls ?? []) : [];
    if (calls.length < 2) return;
    const match = matchResultsToCalls(item.results, calls);
    if (!match.reordered) return;
    item.results = match.ordered;
    item.dirty = true;
    log.add('observations-reordered');
  });
}

function applyOptions(items: Item[], options: TrainingRowOptions, log: RepairLog): void {
  for (const item of items) {
    if (item.kind === 'model' && options.reasoning === 'drop' && item.turn.reasoning !== null) {
      item.turn = { ...item.turn, reasoning: null };
      item.dirty = true;
      log.add('reasoning-dropped');
    }
    if (item.kind === 'observation' && options.truncateObservation !== undefined) {
      const max = options.truncateObservation;
      item.results = item.results.map((result) => {
        const cut = truncateText(result.content, max);
        if (cut === null) return result;
        item.dirty = true;
        log.add('observation-truncated');
        return { ...result, content: cut };
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// writing

function renderItem(item: Item): unknown {
  switch (item.kind) {
    case 'opaque':
      return item.turn;
    case 'system':
      return { from: 'system', value: item.text };
    case 'human':
      return { from: 'human', value: item.text };
    case 'observation': {
      if (!item.dirty && typeof item.raw === 'string') return { from: 'observation', value: item.raw };
      const results = item.results.map((result) => result.content).join(TOOL_RESPONSE_SEPARATOR);
      const appended = item.appended.filter((text) => text.trim() !== '').join('\n\n');
      return { from: 'observation', value: appended === '' ? results : results === '' ? appended : `${results}\n\n${appended}` };
    }
    case 'model':
      if (!item.dirty && typeof item.raw === 'string') return { from: item.from, value: item.raw };
      return { from: item.from, value: renderModelTurn(item.turn) };
  }
}

function systemColumn(value: unknown, moved: readonly string[], log: RepairLog): string {
  let column: string;
  if (typeof value === 'string') column = value;
  else {
    column = textOfParts(value) ?? '';
    log.add('columns-normalised');
  }
  if (moved.length === 0) return column;
  const parts = [column, ...moved].map((text) => text.trim()).filter((text) => text !== '');
  return [...new Set(parts)].join('\n\n');
}

function toolsColumn(value: unknown, calls: readonly NormalCall[], policy: ToolsSchemaPolicy, log: RepairLog): unknown {
  const read = readToolsValue(value);
  if (read.tools === null) return value; // not JSON: the validator says so
  if (value === undefined || value === null) log.add('columns-normalised');
  const applied = applyToolsPolicy(read.tools, calls, policy);
  const written = toolsToJson(applied.tools);
  if (policy === 'no') return written;
  if (applied.derived) log.add('tools-derived');
  const recordedOnly: ToolSchema[] = policy === 'derive' ? [] : read.tools;
  if (read.reshaped || (typeof value === 'string' && toolsToJson(recordedOnly) !== value && recordedOnly.length > 0)) {
    log.add('tools-normalised');
  }
  return written;
}

function imagesColumn(value: unknown, log: RepairLog): unknown {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string' && value !== '') {
    log.add('columns-normalised');
    return [value];
  }
  if (value === undefined || value === null || value === '') {
    log.add('columns-normalised');
    return [];
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
