// One model turn of a ShareGPT row (gpt or function_call), read into its parts and written back in
// the one form every LLaMA-Factory version parses (formats.md 1.4, 5.1):
//   [<think>\n reasoning \n</think>\n\n] text                                     (gpt)
//   [<think>\n reasoning \n</think>\n\n] JSON                                     (function_call)
//   [<think>\n reasoning \n</think>\n\n] text \n<tool_call>JSON</tool_call>       (function_call with text)
// JSON is one {"name","arguments":{…}} object, or a list of them for parallel calls. Reading
// accepts every shape a recording or a human edit may hold and names each repair. Pure.
import { splitLeadingReasoning, withReasoningPrefix } from './reasoning-prefix.js';
import type { RepairName } from './repair-names.js';
import { THINK_CLOSE, THINK_OPEN, TOOL_CALL_CLOSE, TOOL_CALL_OPEN } from './sharegpt-markers.js';
import { parseJsonLoosely, stringifyJson } from '../wire/shared/read-json.js';

export interface NormalCall {
  name: string;
  arguments: unknown;
  /** The provider id the recorded shape carried (OpenAI / Anthropic): used to order results, never written. */
  id?: string;
}

export interface ModelTurn {
  reasoning: string | null;
  text: string;
  /** null for a plain gpt turn; the calls (possibly none) for a function_call turn. */
  calls: NormalCall[] | null;
}

export interface ReadModelTurn {
  turn: ModelTurn;
  /** What must change for LLaMA-Factory to read the value as intended; empty: keep the value as it is. */
  repairs: RepairName[];
}

/** A gpt value: reasoning prefix and text. Never fails. */
export function readGptValue(value: string): ReadModelTurn {
  const split = splitLeadingReasoning(value);
  if (split.reasoning === null) return { turn: { reasoning: null, text: value, calls: null }, repairs: [] };
  return {
    turn: { reasoning: split.reasoning, text: split.rest, calls: null },
    repairs: reasoningRepairs(value, split.reasoning, split.doubleWrapped),
  };
}

/**
 * A function_call value (a string, or the calls themselves as an object / list in an edited row).
 * Null when the calls cannot be read: the value is then left for the validator to explain.
 */
export function readFunctionCallValue(value: unknown): ReadModelTurn | null {
  const repairs: RepairName[] = [];
  let reasoning: string | null = null;
  let text = '';
  let parsedBlocks: unknown[];
  if (typeof value === 'string') {
    const split = splitLeadingReasoning(value);
    reasoning = split.reasoning;
    if (reasoning !== null) repairs.push(...reasoningRepairs(value, reasoning, split.doubleWrapped));
    const body = reasoning === null ? value : split.rest;
    const blocks = toolCallBlocks(body);
    if (blocks === null) {
      const parsed = parseJsonLoosely(body.trim());
      if (parsed === undefined) return null;
      parsedBlocks = [parsed];
    } else {
      text = blocks.outside.trim();
      const parsed = blocks.inner.map((inner) => parseJsonLoosely(inner.trim()));
      if (parsed.some((item) => item === undefined)) return null;
      if (blocks.inner.length > 1) repairs.push('parallel-calls-merged');
      parsedBlocks = parsed;
    }
  } else if (typeof value === 'object' && value !== null) {
    parsedBlocks = [value];
    repairs.push('value-stringified');
  } else {
    return null;
  }

  const calls: NormalCall[] = [];
  for (const block of parsedBlocks) {
    for (const raw of Array.isArray(block) ? block : [block]) {
      const call = normaliseCall(raw, repairs);
      if (call === null) return null;
      calls.push(call);
    }
  }
  return { turn: { reasoning, text, calls }, repairs: [...new Set(repairs)] };
}

/** A leading reasoning block LF can strip is exactly THINK_OPEN + reasoning + THINK_CLOSE. */
function reasoningRepairs(value: string, reasoning: string, doubleWrapped: boolean): RepairName[] {
  if (doubleWrapped) return ['reasoning-double-wrap-removed'];
  return value.startsWith(THINK_OPEN + reasoning + THINK_CLOSE) ? [] : ['reasoning-normalised'];
}

/** Writes a model turn in the canonical layout (see the header). Compact JSON, like the converter. */
export function renderModelTurn(turn: ModelTurn): string {
  if (turn.calls === null) return withReasoningPrefix(turn.reasoning, turn.text);
  // stringifyJson: arguments read from a value keep long integers as they were written (read-json.ts).
  const json = stringifyJson(
    turn.calls.length === 1
      ? callJson(turn.calls[0] as NormalCall)
      : turn.calls.map((call) => callJson(call)),
  );
  const text = turn.text.trim();
  const body = text === '' ? json : text + '\n' + TOOL_CALL_OPEN + json + TOOL_CALL_CLOSE;
  return withReasoningPrefix(turn.reasoning, body);
}

/** Merges a model turn into the one before it (one API message is one turn, formats.md 5.2 step 2). */
export function mergeModelTurns(first: ModelTurn, second: ModelTurn): ModelTurn {
  const reasonings = [first.reasoning, second.reasoning].filter((item): item is string => item !== null && item !== '');
  const texts = [first.text, second.text].map((item) => item.trim()).filter((item) => item !== '');
  const calls = first.calls === null && second.calls === null ? null : [...(first.calls ?? []), ...(second.calls ?? [])];
  return {
    reasoning: reasonings.length === 0 ? null : [...new Set(reasonings)].join('\n\n'),
    text: texts.join('\n\n'),
    calls,
  };
}

// ---------------------------------------------------------------------------------------------

function callJson(call: NormalCall): { name: string; arguments: unknown } {
  return { name: call.name, arguments: call.arguments };
}

/**
 * One recorded call in any shape → {name, arguments}. Shapes: {name, arguments}, the OpenAI
 * wrapper {id, type, function:{name, arguments}}, Anthropic {type:"tool_use", id, name, input},
 * Gemini {functionCall:{name, args}} or {name, args}, llama3-style {name, parameters}. Arguments
 * given as a JSON string are parsed; a string that is not JSON is kept (the validator rejects it).
 * Null when there is no call name.
 */
export function normaliseCall(raw: unknown, repairs: RepairName[]): NormalCall | null {
  if (!isPlainObject(raw)) return null;
  let source = raw;
  let shape: RepairName | null = null;
  const wrapped = raw['functionCall'] ?? raw['function_call'];
  if (isPlainObject(raw['function'])) {
    source = raw['function'];
    shape = 'function-call-openai-wrapper';
  } else if (isPlainObject(wrapped)) {
    source = wrapped;
    shape = 'function-call-gemini-args';
  }
  const name = source['name'];
  if (typeof name !== 'string' || name === '') return null;
  const id = typeof source['id'] === 'string' ? source['id'] : typeof raw['id'] === 'string' ? raw['id'] : undefined;

  const argumentKey = (['arguments', 'input', 'args', 'parameters'] as const).find((key) => key in source) ?? 'arguments';
  if (shape === null) {
    if (argumentKey === 'input') shape = 'function-call-anthropic-input';
    else if (argumentKey === 'args') shape = 'function-call-gemini-args';
    else if (argumentKey === 'parameters') shape = 'function-call-parameters-renamed';
    else if (Object.keys(raw).some((key) => key !== 'name' && key !== 'arguments')) {
      repairs.push('function-call-extra-keys-dropped');
    }
  }
  if (shape !== null) repairs.push(shape);

  let args = source[argumentKey];
  if (args === undefined || args === null) {
    args = {};
    repairs.push('function-call-arguments-added');
  } else if (typeof args === 'string') {
    const parsed = args.trim() === '' ? {} : parseJsonLoosely(args);
    if (typeof parsed === 'object' && parsed !== null) {
      args = parsed;
      // Unwrapping the OpenAI shape implies parsing its string arguments: counted once, as the wrapper.
      if (shape !== 'function-call-openai-wrapper') repairs.push('function-call-arguments-parsed');
    }
  }
  return id === undefined ? { name, arguments: args } : { name, arguments: args, id };
}

interface ToolCallBlocks {
  inner: string[];
  outside: string;
}

/** Every <tool_call>…</tool_call> block (qwen writes one per parallel call); null when there is none. */
function toolCallBlocks(body: string): ToolCallBlocks | null {
  if (!body.includes(TOOL_CALL_OPEN)) return null;
  const inner: string[] = [];
  let outside = '';
  let index = 0;
  for (;;) {
    const open = body.indexOf(TOOL_CALL_OPEN, index);
    if (open === -1) break;
    const close = body.indexOf(TOOL_CALL_CLOSE, open + TOOL_CALL_OPEN.length);
    if (close === -1) return null;
    outside += body.slice(index, open);
    inner.push(body.slice(open + TOOL_CALL_OPEN.length, close));
    index = close + TOOL_CALL_CLOSE.length;
  }
  outside += body.slice(index);
  return { inner, outside };
}


function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
