// Acceptance check for one ShareGPT row: what LLaMA-Factory drops or crashes on (formats.md
// 1.3 B-F, 1.4, 1.6, with the default tags, thought words and tool_call words, portable across
// tool formats) plus our own export rules (formats.md 5.3). Pure; a row is valid when it has no
// error. Cross-row checks (pyarrow type consistency, 1.3-A) belong to the export, not here.
import {
  IMAGE_PLACEHOLDER,
  THINK_CLOSE,
  THINK_OPEN,
  TOOL_CALL_CLOSE,
  TOOL_CALL_OPEN,
  TOOL_RESPONSE_SEPARATOR,
} from './sharegpt-markers.js';

/**
 * Every reason a row can get. The code is stable (stored, filtered on, shown in the UI); the
 * message explains the instance. Errors reject the row; warnings only inform.
 */
export const SHAREGPT_REASONS = {
  // --- errors: row layout (formats.md 1.2, 1.3-F)
  'row-not-object': { severity: 'error', description: 'the row is not a JSON object' },
  'conversations-not-list': { severity: 'error', description: '`conversations` is missing or not a list' },
  'turn-not-object': { severity: 'error', description: 'a turn is not a {"from","value"} object' },
  'system-not-string': { severity: 'error', description: 'the system prompt is missing or not a string' },
  'tools-not-string': { severity: 'error', description: '`tools` is missing or not a string (it must be a JSON string)' },
  'images-not-list': { severity: 'error', description: '`images` is missing or not a list' },
  'image-not-string': { severity: 'error', description: 'an `images` entry is not a string path' },
  'value-not-string': { severity: 'error', description: 'a turn value is not a string (LF: "Expected a string")' },
  // --- errors: what LF drops (1.3 C-E)
  'empty-conversation': { severity: 'error', description: 'no turns (after a leading system turn)' },
  'unknown-role': { severity: 'error', description: 'a role that is not human/gpt/function_call/observation (or a system turn after position 0)' },
  'role-alternation': { severity: 'error', description: 'odd turns must be human/observation, even turns gpt/function_call' },
  'odd-turn-count': { severity: 'error', description: 'an odd number of turns: the row must end with gpt or function_call' },
  // --- errors: what crashes LF (1.3-F, 1.4, 1.6)
  'function-call-not-json': { severity: 'error', description: 'a function_call value is not JSON once the <tool_call> / <think> words are removed' },
  'function-call-shape': { severity: 'error', description: 'a parsed call is not an object with a non-empty string `name` and `arguments`' },
  'tools-not-json': { severity: 'error', description: '`tools` is not valid JSON' },
  'tools-not-list': { severity: 'error', description: '`tools` does not parse to a list of schemas' },
  'tool-schema-invalid': { severity: 'error', description: 'a tool schema lacks `name` or `parameters.properties`, or has non-string enum values' },
  'image-count-mismatch': { severity: 'error', description: 'the number of images differs from the number of <image> placeholders' },
  // --- errors: our rules (5.3)
  'empty-value': { severity: 'error', description: 'a human or gpt value is empty or whitespace' },
  'empty-call-list': { severity: 'error', description: 'a function_call value holds an empty list' },
  'arguments-not-object': { severity: 'error', description: 'call arguments are not a JSON object (a string would be double-encoded)' },
  'observation-without-call': { severity: 'error', description: 'an observation does not directly follow a function_call' },
  'call-without-observation': { severity: 'error', description: 'a function_call that is not the last turn is not followed by an observation' },
  'reasoning-without-answer': { severity: 'error', description: 'a gpt turn has reasoning but an empty answer' },
  'image-not-local': { severity: 'error', description: 'an image is a URL or data URI, not a local file path (only with requireLocalImages)' },
  // --- warnings (5.3)
  'system-overridden': { severity: 'warning', description: 'a leading system turn overrides a non-empty `system` column' },
  'call-tool-undeclared': { severity: 'warning', description: 'a call names a tool missing from `tools`' },
  'calls-without-tools': { severity: 'warning', description: 'function_call turns but no tools declared' },
  'call-extra-keys': { severity: 'warning', description: 'a call has keys besides name/arguments (LF ignores them)' },
  'observation-count-mismatch': { severity: 'warning', description: 'the observation holds a different number of results than the calls' },
  'empty-observation': { severity: 'warning', description: 'an observation value is empty' },
  'think-not-canonical': { severity: 'warning', description: '<think> tags are not the canonical "<think>\\n…\\n</think>\\n\\n" prefix' },
  'think-in-prompt': { severity: 'warning', description: '<think> tags in a human, observation or system text' },
  'text-outside-call-json': { severity: 'warning', description: 'text next to the call JSON (needs LLaMA-Factory >= 0.9.4)' },
  'image-in-model-turn': { severity: 'warning', description: '<image> in a gpt/function_call turn (media output is not trainable)' },
  'media-placeholder-unmapped': { severity: 'warning', description: '<video>/<audio> placeholder but the export maps no such column' },
  'tool-schema-warning': { severity: 'warning', description: 'a tool schema LF accepts but that is not portable (duplicate or odd name, non-object parameters type)' },
} as const satisfies Record<string, { severity: 'error' | 'warning'; description: string }>;

export type ShareGptReasonCode = keyof typeof SHAREGPT_REASONS;

export interface Reason {
  code: ShareGptReasonCode;
  message: string;
}

export interface ValidateShareGptOptions {
  /** Reject URL / data: images (formats.md 5.3). Exported rows need it; captured rows still hold URLs. */
  requireLocalImages?: boolean;
}

export interface ShareGptValidation {
  valid: boolean;
  errors: Reason[];
  warnings: Reason[];
}

const MODEL_ROLES = new Set(['gpt', 'function_call']);
const PROMPT_ROLES = new Set(['human', 'observation']);
/** `scheme://…` or `data:`: something PIL cannot open as a file. */
const NOT_LOCAL_PATH = /^(?:[a-z][a-z0-9+.-]*:\/\/|data:)/i;
/** OpenAI / Anthropic tool-name limit. */
const PORTABLE_TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function validateShareGptRow(row: unknown, options: ValidateShareGptOptions = {}): ShareGptValidation {
  const reasons: Reason[] = [];
  const report = (code: ShareGptReasonCode, message: string): void => {
    reasons.push({ code, message });
  };
  check(row, options, report);
  const errors = reasons.filter((reason) => SHAREGPT_REASONS[reason.code].severity === 'error');
  const warnings = reasons.filter((reason) => SHAREGPT_REASONS[reason.code].severity === 'warning');
  return { valid: errors.length === 0, errors, warnings };
}

type Report = (code: ShareGptReasonCode, message: string) => void;

interface Turn {
  from: unknown;
  value: unknown;
}

function check(row: unknown, options: ValidateShareGptOptions, report: Report): void {
  if (!isPlainObject(row)) {
    report('row-not-object', `the row is ${jsonType(row)}, not an object`);
    return;
  }
  const toolNames = checkTools(row['tools'], report);
  const images = checkImagesColumn(row['images'], options, report);

  const conversations = row['conversations'];
  if (!Array.isArray(conversations)) {
    report('conversations-not-list', `conversations is ${jsonType(conversations)}, not a list of turns`);
    return;
  }
  const badTurn = conversations.findIndex((turn) => !isPlainObject(turn));
  if (badTurn !== -1) {
    report('turn-not-object', `turn ${badTurn + 1} is ${jsonType(conversations[badTurn])}, not an object`);
    return;
  }
  let turns = conversations as Turn[];

  // 1.3-B: only the very first turn may be a system turn; it replaces the system column.
  let system: unknown = row['system'];
  if (turns[0]?.from === 'system') {
    if (typeof system === 'string' && system.trim() !== '') {
      report('system-overridden', 'a leading system turn replaces the non-empty system column');
    }
    system = turns[0].value;
    turns = turns.slice(1);
  }
  if (typeof system !== 'string') {
    report('system-not-string', `the system prompt is ${jsonType(system)}; write "" when there is none`);
  } else if (hasThinkTag(system)) {
    report('think-in-prompt', 'the system prompt contains <think> tags');
  }

  checkRoles(turns, report);
  checkTurns(turns, toolNames, report);
  if (images !== null) checkPlaceholders(turns, images, report);
}

// ---------------------------------------------------------------------------------------------
// 1.3 C-D: roles and count

function checkRoles(turns: readonly Turn[], report: Report): void {
  if (turns.length === 0) {
    report('empty-conversation', 'no turns: LLaMA-Factory drops the row ("Dropped invalid example")');
    return;
  }
  for (const [index, turn] of turns.entries()) {
    const allowed = index % 2 === 0 ? PROMPT_ROLES : MODEL_ROLES;
    if (allowed.has(turn.from as string)) continue;
    const label = `turn ${index + 1}`;
    if (!PROMPT_ROLES.has(turn.from as string) && !MODEL_ROLES.has(turn.from as string)) {
      const hint = turn.from === 'system' ? ' (a system turn is only accepted as the very first turn)' : '';
      report('unknown-role', `${label} has role ${JSON.stringify(turn.from) ?? 'undefined'}${hint}`);
    } else {
      report(
        'role-alternation',
        `${label} is ${String(turn.from)} but ${index % 2 === 0 ? 'odd turns must be human or observation' : 'even turns must be gpt or function_call'}`,
      );
    }
    return; // LF stops at the first violation ("Invalid role tag")
  }
  if (turns.length % 2 !== 0) {
    const last = turns[turns.length - 1] as Turn;
    report('odd-turn-count', `${turns.length} turns, ending with ${String(last.from)}: the row must end with gpt or function_call`);
  }
}

// ---------------------------------------------------------------------------------------------
// per-turn values, calls and observations (1.3-F, 1.4, 1.5, 5.3)

function checkTurns(turns: readonly Turn[], toolNames: Set<string> | null, report: Report): void {
  let previousCallCount: number | null = null;
  let anyCall = false;
  for (const [index, turn] of turns.entries()) {
    const label = `turn ${index + 1}`;
    const { from, value } = turn;
    if (typeof value !== 'string') {
      report('value-not-string', `${label} (${String(from)}) value is ${jsonType(value)}, not a string`);
      previousCallCount = null;
      continue;
    }
    let callCount: number | null = null;
    if (from === 'human' || from === 'gpt') {
      if (value.trim() === '') report('empty-value', `${label}: empty ${from} value`);
    } else if (from === 'function_call') {
      anyCall = true;
      callCount = checkFunctionCall(value, label, toolNames, report);
      const next = turns[index + 1];
      if (next !== undefined && next.from !== 'observation') {
        report('call-without-observation', `${label}: function_call is followed by ${String(next.from)}, not by its observation`);
      }
    } else if (from === 'observation') {
      if (turns[index - 1]?.from !== 'function_call') {
        report('observation-without-call', `${label}: observation does not directly follow a function_call`);
      } else if (previousCallCount !== null) {
        checkObservationCount(value, previousCallCount, label, report);
      }
      if (value.trim() === '') report('empty-observation', `${label}: empty observation`);
    }
    checkReasoning(value, from, label, report);
    previousCallCount = callCount;
  }
  if (anyCall && (toolNames === null || toolNames.size === 0)) {
    report('calls-without-tools', 'function_call turns but the row declares no tools');
  }
}

interface ParsedFunctionValue {
  calls: unknown[];
  /** What LF keeps verbatim in front of the rendered calls. */
  kept: string;
}

/**
 * FunctionFormatter's parse (formats.md 1.4): the first <tool_call>…</tool_call> block if any,
 * else the value without its first canonical thought block; one call object or a list of them.
 */
function parseFunctionValue(value: string): ParsedFunctionValue | { error: string } {
  const toolCall = new RegExp(`${escapeRegExp(TOOL_CALL_OPEN)}([\\s\\S]*?)${escapeRegExp(TOOL_CALL_CLOSE)}`).exec(value);
  let jsonText: string;
  let kept: string;
  if (toolCall !== null) {
    jsonText = toolCall[1] ?? '';
    kept = value.split(toolCall[0]).join('');
  } else {
    const thought = new RegExp(`${escapeRegExp(THINK_OPEN)}([\\s\\S]*?)${escapeRegExp(THINK_CLOSE)}`).exec(value);
    jsonText = thought === null ? value : value.split(thought[0]).join('');
    kept = thought === null ? '' : thought[0];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsonText);
  } catch {
    const hint =
      value.includes('<think>') && kept === ''
        ? ' (a reasoning block must be exactly "<think>\\n…\\n</think>\\n\\n" to be stripped before parsing)'
        : '';
    return { error: `the value is not JSON${hint}: LF raises "Invalid JSON format in function message"` };
  }
  return { calls: Array.isArray(parsed) ? parsed : [parsed], kept };
}

/** Returns the number of calls, or null when the value cannot be parsed. */
function checkFunctionCall(value: string, label: string, toolNames: Set<string> | null, report: Report): number | null {
  const parsed = parseFunctionValue(value);
  if ('error' in parsed) {
    report('function-call-not-json', `${label}: ${parsed.error}`);
    return null;
  }
  if (parsed.calls.length === 0) {
    report('empty-call-list', `${label}: function_call holds an empty list (the model would learn to emit nothing)`);
  }
  for (const [index, call] of parsed.calls.entries()) {
    const where = `${label} call ${index + 1}`;
    if (!isPlainObject(call)) {
      report('function-call-shape', `${where} is ${jsonType(call)}, not an object`);
      continue;
    }
    if (!('name' in call) || !('arguments' in call)) {
      const wrapper = 'function' in call ? ': this is the OpenAI {id,type,function} wrapper; write {"name","arguments"}' : '';
      report('function-call-shape', `${where} lacks ${!('name' in call) ? '"name"' : '"arguments"'}${wrapper}`);
      continue;
    }
    const { name, arguments: args } = call;
    if (typeof name !== 'string' || name === '') {
      report('function-call-shape', `${where}: name must be a non-empty string`);
    } else if (toolNames !== null && toolNames.size > 0 && !toolNames.has(name)) {
      report('call-tool-undeclared', `${where} calls "${name}", which tools does not declare`);
    }
    if (typeof args === 'string') {
      report('arguments-not-object', `${where}: arguments is a JSON string; LF would encode it a second time. Write the parsed object`);
    } else if (!isPlainObject(args)) {
      report('arguments-not-object', `${where}: arguments is ${jsonType(args)}, not an object`);
    }
    const extra = Object.keys(call).filter((key) => key !== 'name' && key !== 'arguments');
    if (extra.length > 0) report('call-extra-keys', `${where} has extra keys ${extra.join(', ')}, which LF ignores`);
  }
  const outside = parsed.kept.startsWith(THINK_OPEN) && parsed.kept.includes(THINK_CLOSE)
    ? parsed.kept.slice(parsed.kept.indexOf(THINK_CLOSE) + THINK_CLOSE.length)
    : parsed.kept;
  if (outside.trim() !== '') {
    report('text-outside-call-json', `${label}: text outside the call JSON needs LLaMA-Factory >= 0.9.4 (tool_call words)`);
  }
  return parsed.calls.length;
}

/** 1.5: N results joined by the tool_response separator, or a JSON list of N. */
function checkObservationCount(value: string, callCount: number, label: string, report: Report): void {
  const joined = value.split(TOOL_RESPONSE_SEPARATOR).length;
  if (callCount > 1) {
    if (joined === callCount || jsonListLength(value) === callCount) return;
    report('observation-count-mismatch', `${label}: ${callCount} parallel calls but ${joined} result(s); join results with the tool_response separator`);
  } else if (callCount === 1 && joined > 1) {
    report('observation-count-mismatch', `${label}: one call but ${joined} joined results`);
  }
}

function jsonListLength(value: string): number | null {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.length : null;
  } catch {
    return null;
  }
}

function hasThinkTag(text: string): boolean {
  return text.includes('<think>') || text.includes('</think>');
}

/** 1.8 / 5.3: reasoning must be the canonical prefix of a model turn, with an answer after it. */
function checkReasoning(value: string, from: unknown, label: string, report: Report): void {
  if (!hasThinkTag(value)) return;
  if (from !== 'gpt' && from !== 'function_call') {
    report('think-in-prompt', `${label} (${String(from)}) contains <think> tags`);
    return;
  }
  const canonical =
    value.startsWith(THINK_OPEN) &&
    count(value, '<think>') === 1 &&
    count(value, '</think>') === 1 &&
    value.includes(THINK_CLOSE);
  if (!canonical) {
    report('think-not-canonical', `${label}: the reasoning block is not the canonical "<think>\\n…\\n</think>\\n\\n" prefix; LF cannot strip it`);
    return;
  }
  if (from === 'gpt' && value.slice(value.indexOf(THINK_CLOSE) + THINK_CLOSE.length).trim() === '') {
    report('reasoning-without-answer', `${label}: gpt turn has reasoning but an empty answer`);
  }
}

// ---------------------------------------------------------------------------------------------
// tools column (1.3-F, 1.6)

/** Declared tool names; null when the column is unusable or absent. */
function checkTools(tools: unknown, report: Report): Set<string> | null {
  if (typeof tools !== 'string') {
    report('tools-not-string', `tools is ${jsonType(tools)}; write a JSON string of a list, or "" when there are none`);
    return null;
  }
  if (tools.trim() === '') return new Set();
  let parsed: unknown;
  try {
    parsed = JSON.parse(tools);
  } catch {
    report('tools-not-json', 'tools is not valid JSON: LF raises "Invalid JSON format in tool description"');
    return null;
  }
  if ((Array.isArray(parsed) || typeof parsed === 'string') && parsed.length === 0) return new Set();
  if (isPlainObject(parsed) && Object.keys(parsed).length === 0) return new Set();
  if (!Array.isArray(parsed)) {
    report('tools-not-list', `tools parses to ${jsonType(parsed)}, not a list of function schemas`);
    return null;
  }
  const names = new Set<string>();
  for (const [index, tool] of parsed.entries()) {
    const where = `tools[${index}]`;
    if (!isPlainObject(tool)) {
      report('tool-schema-invalid', `${where} is ${jsonType(tool)}, not an object`);
      continue;
    }
    let schema = tool;
    if (tool['type'] === 'function') {
      const inner = tool['function'];
      if (!isPlainObject(inner)) {
        report('tool-schema-invalid', `${where} has type "function" but no "function" object`);
        continue;
      }
      schema = inner;
    }
    checkToolSchema(schema, where, names, report);
  }
  return names;
}

function checkToolSchema(schema: Record<string, unknown>, where: string, names: Set<string>, report: Report): void {
  const name = schema['name'];
  if (typeof name !== 'string' || name === '') {
    report('tool-schema-invalid', `${where} has no string "name"`);
  } else {
    if (names.has(name)) report('tool-schema-warning', `${where}: duplicate tool name "${name}"`);
    if (!PORTABLE_TOOL_NAME.test(name)) report('tool-schema-warning', `${where}: name "${name}" is not ^[A-Za-z0-9_-]{1,64}$`);
    names.add(name);
  }
  const parameters = schema['parameters'];
  if (parameters === undefined || parameters === null) {
    const renamed = 'input_schema' in schema ? 'input_schema' : 'parametersJsonSchema' in schema ? 'parametersJsonSchema' : null;
    report(
      'tool-schema-invalid',
      renamed === null
        ? `${where} has no "parameters"; use {"type":"object","properties":{}} for a tool without arguments`
        : `${where} uses "${renamed}"; rename it to "parameters"`,
    );
    return;
  }
  if (!isPlainObject(parameters)) {
    report('tool-schema-invalid', `${where}.parameters is ${jsonType(parameters)}, not a JSON-schema object`);
    return;
  }
  const properties = parameters['properties'];
  if (!isPlainObject(properties)) {
    report('tool-schema-invalid', `${where}.parameters has no "properties" object (KeyError in LF's default tool format)`);
  } else {
    for (const [property, propertySchema] of Object.entries(properties)) {
      const values = isPlainObject(propertySchema) ? propertySchema['enum'] : undefined;
      if (Array.isArray(values) && !values.every((item) => typeof item === 'string')) {
        report('tool-schema-invalid', `${where}.${property}: non-string enum values crash LF's default tool format`);
      }
    }
  }
  if (typeof parameters['type'] === 'string' && parameters['type'] !== 'object') {
    report('tool-schema-warning', `${where}.parameters.type is "${parameters['type']}", expected "object"`);
  }
}

// ---------------------------------------------------------------------------------------------
// images (1.3-F, 5.3)

/** The image list, or null when the column is unusable. */
function checkImagesColumn(images: unknown, options: ValidateShareGptOptions, report: Report): unknown[] | null {
  if (!Array.isArray(images)) {
    report('images-not-list', `images is ${jsonType(images)}; write a list ([] when there are none)`);
    return null;
  }
  for (const [index, image] of images.entries()) {
    if (typeof image !== 'string') {
      report('image-not-string', `images[${index}] is ${jsonType(image)}, not a path string`);
    } else if (options.requireLocalImages === true && NOT_LOCAL_PATH.test(image)) {
      report('image-not-local', `images[${index}] is a URL or data URI; LF opens local files only (save the bytes to a file)`);
    }
  }
  return images;
}

function checkPlaceholders(turns: readonly Turn[], images: readonly unknown[], report: Report): void {
  let placeholders = 0;
  for (const [index, turn] of turns.entries()) {
    if (typeof turn.value !== 'string') continue;
    const found = count(turn.value, IMAGE_PLACEHOLDER);
    placeholders += found;
    if (found > 0 && (turn.from === 'gpt' || turn.from === 'function_call')) {
      report('image-in-model-turn', `turn ${index + 1}: <image> in a ${turn.from} turn`);
    }
    if (turn.value.includes('<video>') || turn.value.includes('<audio>')) {
      report('media-placeholder-unmapped', `turn ${index + 1}: a <video>/<audio> placeholder, but the export maps no such column`);
    }
  }
  if (placeholders !== images.length) {
    report(
      'image-count-mismatch',
      `${images.length} image(s) but ${placeholders} <image> placeholder(s): multimodal templates raise "The number of images does not match"`,
    );
  }
}

// ---------------------------------------------------------------------------------------------

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonType(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
