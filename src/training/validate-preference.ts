// Acceptance of preference and KTO rows, as LLaMA-Factory reads them (formats.md 1.3, 1.9; the
// ranking and kto_tag branches of check_sharegpt.py) and as OpenAI's preference fine-tuning takes
// them (input.messages, one assistant message in each output). Built on the row validators: a
// ranking row is valid when its prompt has an odd count ending with human/observation, chosen and
// rejected are gpt/function_call turn objects with string values, and prompt + chosen and prompt +
// rejected are each a valid ShareGPT row (tool-call JSON, images...). Pure.
import { validateOpenAiFtRow } from './validate-openai-ft.js';
import { validateShareGptRow } from './validate-sharegpt.js';

export interface PreferenceReason {
  code: string;
  message: string;
}

export interface PreferenceValidation {
  valid: boolean;
  errors: PreferenceReason[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function verdict(errors: PreferenceReason[]): PreferenceValidation {
  return { valid: errors.length === 0, errors };
}

export function validateRankingRow(row: unknown, options: { requireLocalImages?: boolean } = {}): PreferenceValidation {
  const errors: PreferenceReason[] = [];
  if (!isObject(row)) return verdict([{ code: 'row-not-object', message: 'the row is not a JSON object' }]);
  const conversations = row['conversations'];
  if (!Array.isArray(conversations) || conversations.length === 0) {
    return verdict([{ code: 'ranking-empty-prompt', message: 'a ranking row needs a prompt in `conversations` (LF: "Dropped invalid example")' }]);
  }
  if (conversations.length % 2 === 0) {
    errors.push({ code: 'ranking-even-prompt', message: `${conversations.length} prompt turns: a ranking prompt has an odd count and ends with human/observation` });
  }
  for (const side of ['chosen', 'rejected'] as const) {
    const turn = row[side];
    if (!isObject(turn)) {
      errors.push({ code: 'ranking-answer-missing', message: `\`${side}\` is not a turn object (LF drops the row)` });
      continue;
    }
    if (turn['from'] !== 'gpt' && turn['from'] !== 'function_call') {
      errors.push({ code: 'ranking-answer-role', message: `\`${side}\` is from "${String(turn['from'])}", not gpt/function_call` });
    }
    if (typeof turn['value'] !== 'string') errors.push({ code: 'value-not-string', message: `\`${side}\` value is not a string` });
    if (errors.length > 0) continue;
    const { chosen: _chosen, rejected: _rejected, ...rest } = row;
    const full = validateShareGptRow({ ...rest, conversations: [...conversations, turn] }, options);
    errors.push(...full.errors.map((error) => ({ code: error.code, message: `prompt + ${side}: ${error.message}` })));
  }
  return verdict(errors);
}

export function validateOpenAiPreferenceRow(row: unknown): PreferenceValidation {
  if (!isObject(row)) return verdict([{ code: 'example-not-object', message: 'the example is not a JSON object' }]);
  const errors: PreferenceReason[] = [];
  const allowed = new Set(['input', 'preferred_output', 'non_preferred_output']);
  for (const key of Object.keys(row)) if (!allowed.has(key)) errors.push({ code: 'unrecognized-key', message: `"${key}" is not a preference fine-tuning key` });
  const input = row['input'];
  if (!isObject(input) || !Array.isArray(input['messages']) || input['messages'].length === 0) {
    return verdict([...errors, { code: 'missing-input-messages', message: '`input.messages` is missing or empty' }]);
  }
  const messages = input['messages'] as unknown[];
  const last = messages[messages.length - 1];
  if (!isObject(last) || (last['role'] !== 'user' && last['role'] !== 'tool')) {
    errors.push({ code: 'input-not-prompt', message: '`input.messages` must end with the user (or tool) message the outputs answer' });
  }
  for (const side of ['preferred_output', 'non_preferred_output'] as const) {
    const output = row[side];
    if (!Array.isArray(output) || output.length !== 1 || !isObject(output[0]) || output[0]['role'] !== 'assistant') {
      errors.push({ code: 'output-not-one-assistant-message', message: `\`${side}\` must hold exactly one assistant message` });
      continue;
    }
    const example: Record<string, unknown> = { messages: [...messages, output[0]] };
    if (input['tools'] !== undefined) example['tools'] = input['tools'];
    const checked = validateOpenAiFtRow(example);
    errors.push(...checked.errors.map((error) => ({ code: error.code, message: `input + ${side}: ${error.message}` })));
  }
  return verdict(errors);
}

export function validateKtoRow(row: unknown, options: { requireLocalImages?: boolean } = {}): PreferenceValidation {
  if (!isObject(row)) return verdict([{ code: 'row-not-object', message: 'the row is not a JSON object' }]);
  const { kto_tag: tag, ...rest } = row;
  const errors: PreferenceReason[] = [];
  if (typeof tag !== 'boolean') errors.push({ code: 'kto-tag-not-boolean', message: '`kto_tag` is not a JSON boolean: LF treats the row as a plain example and drops it' });
  errors.push(...validateShareGptRow(rest, options).errors);
  return verdict(errors);
}
