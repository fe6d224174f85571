// Acceptance check for one OpenAI chat fine-tuning example (formats.md 3): the cookbook's checks
// (3.2) extended per the API schema (3.1): per-role keys, `weight` 0/1 on assistant messages only,
// tool-call structure with JSON-string arguments, every tool_call_id answering a pending call and
// every call answered before the next non-tool message, tool names ^[A-Za-z0-9_-]{1,64}$, images
// only in user messages as http(s) or data:image/(jpeg|png|webp) URLs. Pure.
//
// With `openAiMessages: true` it checks the `openai-messages` variant (formats.md 7) instead:
// assistant messages may carry `reasoning_content` and tool messages `name`.

export const OPENAI_REASONS = {
  // --- errors (3.2 cookbook names where they exist)
  'example-not-object': { severity: 'error', description: 'data_type: the example is not a JSON object' },
  'missing-messages-list': { severity: 'error', description: 'missing_messages_list: `messages` is missing or empty' },
  'message-not-object': { severity: 'error', description: 'a message is not an object' },
  'unrecognized-role': { severity: 'error', description: 'unrecognized_role: a role outside system/user/assistant/tool/function (developer included)' },
  'message-unrecognized-key': { severity: 'error', description: 'message_unrecognized_key: a key the role does not allow' },
  'message-missing-key': { severity: 'error', description: 'message_missing_key: no `content` (and no tool_calls / function_call)' },
  'missing-content': { severity: 'error', description: 'missing_content: empty text, or content neither a string nor a list of parts' },
  'content-part-invalid': { severity: 'error', description: 'a content part is malformed or not allowed for the role' },
  'image-not-in-user-message': { severity: 'error', description: 'an image outside a user message' },
  'image-url-invalid': { severity: 'error', description: 'an image URL that is neither http(s) nor data:image/(jpeg|png|webp);base64' },
  'weight-not-assistant': { severity: 'error', description: '`weight` on a message that is not from the assistant' },
  'weight-invalid': { severity: 'error', description: '`weight` other than 0 or 1' },
  'tool-calls-invalid': { severity: 'error', description: '`tool_calls` is not a non-empty list of {id, type:"function", function:{name, arguments}}' },
  'tool-call-id-missing': { severity: 'error', description: 'a tool call without a string id' },
  'tool-call-arguments-not-string': { severity: 'error', description: 'tool call arguments are not a JSON string' },
  'tool-call-arguments-not-json': { severity: 'error', description: 'tool call arguments are a string that is not valid JSON' },
  'tool-call-unanswered': { severity: 'error', description: 'a tool call not answered by a tool message before the next non-tool message' },
  'tool-message-id-missing': { severity: 'error', description: 'a tool message without tool_call_id' },
  'tool-result-unmatched': { severity: 'error', description: 'a tool_call_id that answers no pending tool call' },
  'tool-name-invalid': { severity: 'error', description: 'a tool or call name not matching ^[A-Za-z0-9_-]{1,64}$' },
  'tools-invalid': { severity: 'error', description: '`tools` is not a list of {type:"function", function:{name, parameters?}} with object parameters' },
  'functions-invalid': { severity: 'error', description: '`functions` is not a list of 1-128 function objects' },
  'parallel-tool-calls-invalid': { severity: 'error', description: '`parallel_tool_calls` is not a boolean, or is false with several calls in one message' },
  'function-call-invalid': { severity: 'error', description: 'a legacy `function_call` that is not {name: str, arguments: str}, or a function message without name' },
  'missing-assistant-message': { severity: 'error', description: 'example_missing_assistant_message' },
  'no-trainable-assistant': { severity: 'error', description: 'every assistant message has weight 0: nothing to train on' },
  // --- warnings
  'unrecognized-top-level-key': { severity: 'warning', description: 'a top-level key outside messages/tools/parallel_tool_calls/functions' },
  'functions-deprecated': { severity: 'warning', description: '`functions` is deprecated; use `tools`' },
  'call-tool-undeclared': { severity: 'warning', description: 'a call names a tool missing from `tools`' },
  'arguments-not-object': { severity: 'warning', description: 'tool call arguments decode to something other than an object' },
  'last-message-not-assistant': { severity: 'warning', description: 'the last message is not from the assistant (trailing turns are not trained)' },
  'no-system-message': { severity: 'warning', description: 'no system message (the cookbook counts n_missing_system)' },
  'no-user-message': { severity: 'warning', description: 'no user message (the cookbook counts n_missing_user)' },
  'too-many-images': { severity: 'warning', description: 'more images in one example than vision fine-tuning allows (10)' },
  'too-many-tokens': { severity: 'warning', description: 'over 16,385 tokens (rough estimate): the example will be truncated' },
} as const satisfies Record<string, { severity: 'error' | 'warning'; description: string }>;

export type OpenAiReasonCode = keyof typeof OPENAI_REASONS;

export interface OpenAiReason {
  code: OpenAiReasonCode;
  message: string;
}

export interface OpenAiValidation {
  valid: boolean;
  errors: OpenAiReason[];
  warnings: OpenAiReason[];
}

export interface ValidateOpenAiOptions {
  /** Check the `openai-messages` variant: `reasoning_content` on assistant, `name` on tool messages. */
  openAiMessages?: boolean;
  /** Warning threshold for the rough token estimate (cookbook: 16,385). */
  maxTokens?: number;
  /** Warning threshold for images per example (OpenAI: 10). */
  maxImages?: number;
}

const ALLOWED_KEYS: Record<string, readonly string[]> = {
  system: ['role', 'content', 'name'],
  user: ['role', 'content', 'name'],
  assistant: ['role', 'content', 'name', 'weight', 'tool_calls', 'function_call', 'refusal', 'audio'],
  tool: ['role', 'content', 'tool_call_id'],
  function: ['role', 'content', 'name'],
};
const MESSAGES_VARIANT_EXTRA: Record<string, readonly string[]> = { assistant: ['reasoning_content'], tool: ['name'] };
const TOP_LEVEL_KEYS = new Set(['messages', 'tools', 'parallel_tool_calls', 'functions']);
const OPENAI_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const IMAGE_URL = /^(?:https?:\/\/|data:image\/(?:jpeg|jpg|png|webp);base64,)/;

export function validateOpenAiFtRow(example: unknown, options: ValidateOpenAiOptions = {}): OpenAiValidation {
  const reasons: OpenAiReason[] = [];
  const report = (code: OpenAiReasonCode, message: string): void => {
    reasons.push({ code, message });
  };
  check(example, options, report);
  const errors = reasons.filter((reason) => OPENAI_REASONS[reason.code].severity === 'error');
  const warnings = reasons.filter((reason) => OPENAI_REASONS[reason.code].severity === 'warning');
  return { valid: errors.length === 0, errors, warnings };
}

type Report = (code: OpenAiReasonCode, message: string) => void;

function check(example: unknown, options: ValidateOpenAiOptions, report: Report): void {
  if (!isPlainObject(example)) {
    report('example-not-object', 'the example is not a JSON object');
    return;
  }
  for (const key of Object.keys(example)) {
    if (!TOP_LEVEL_KEYS.has(key)) report('unrecognized-top-level-key', `top-level key "${key}" is not part of a fine-tuning example`);
  }
  const messages = example['messages'];
  if (!Array.isArray(messages) || messages.length === 0) {
    report('missing-messages-list', '"messages" must be a non-empty list');
    return;
  }
  const toolNames = checkTools(example, report);
  const parallel = example['parallel_tool_calls'];
  if (parallel !== undefined && parallel !== null && typeof parallel !== 'boolean') {
    report('parallel-tool-calls-invalid', 'parallel_tool_calls must be a boolean');
  }

  let assistants = 0;
  let trainable = 0;
  let images = 0;
  let tokens = 3;
  let openCalls: string[] = [];
  const roles = new Set<unknown>();
  for (const [index, message] of messages.entries()) {
    const where = `message ${index + 1}`;
    if (!isPlainObject(message)) {
      report('message-not-object', `${where} is not an object`);
      continue;
    }
    const role = message['role'];
    roles.add(role);
    if (typeof role !== 'string' || !(role in ALLOWED_KEYS)) {
      const hint = role === 'developer' ? ' (write developer instructions as a system message)' : '';
      report('unrecognized-role', `${where} has role ${JSON.stringify(role) ?? 'missing'}${hint}`);
      continue;
    }
    const allowed = new Set([...(ALLOWED_KEYS[role] ?? []), ...(options.openAiMessages === true ? (MESSAGES_VARIANT_EXTRA[role] ?? []) : [])]);
    const unknown = Object.keys(message).filter((key) => !allowed.has(key));
    if (unknown.length > 0) report('message-unrecognized-key', `${where} (${role}) has ${unknown.map((key) => `"${key}"`).join(', ')}`);
    if ('weight' in message) {
      if (role !== 'assistant') report('weight-not-assistant', `${where}: weight is only allowed on assistant messages`);
      else if (message['weight'] !== 0 && message['weight'] !== 1) report('weight-invalid', `${where}: weight must be 0 or 1`);
    }
    if (openCalls.length > 0 && role !== 'tool') {
      report('tool-call-unanswered', `${where}: tool call(s) ${openCalls.join(', ')} were not answered by tool messages`);
      openCalls = [];
    }

    const calls = message['tool_calls'];
    const hasCall = (Array.isArray(calls) && calls.length > 0) || (message['function_call'] !== undefined && message['function_call'] !== null);
    if (!('content' in message) && !hasCall) report('message-missing-key', `${where} has no "content"`);
    const content = contentText(message['content'], role, where, report);
    images += content.images;
    if (message['content'] !== undefined && message['content'] !== null && typeof message['content'] !== 'string' && !Array.isArray(message['content'])) {
      report('missing-content', `${where}: content must be a string or a list of parts`);
    } else if (!hasCall && content.text.trim() === '' && content.images === 0) {
      report('missing-content', `${where} (${role}) has no text`);
    }
    tokens += 3 + estimateTokens(content.text) + ('name' in message ? 1 : 0);

    if (role === 'assistant') {
      assistants += 1;
      if (message['weight'] !== 0) trainable += 1;
      if (calls !== undefined && calls !== null) {
        if (parallel === false && Array.isArray(calls) && calls.length > 1) {
          report('parallel-tool-calls-invalid', `${where}: ${calls.length} tool calls but parallel_tool_calls is false`);
        }
        const checked = checkToolCalls(calls, where, toolNames, report);
        openCalls = checked.ids;
        tokens += checked.tokens;
      }
      const legacy = message['function_call'];
      if (legacy !== undefined && legacy !== null) {
        if (!isPlainObject(legacy) || typeof legacy['name'] !== 'string' || typeof legacy['arguments'] !== 'string') {
          report('function-call-invalid', `${where}: function_call must be {name: string, arguments: string}`);
        }
      }
    } else if (role === 'tool') {
      const id = message['tool_call_id'];
      if (typeof id !== 'string' || id === '') report('tool-message-id-missing', `${where}: a tool message needs tool_call_id`);
      else if (!openCalls.includes(id)) report('tool-result-unmatched', `${where}: tool_call_id "${id}" answers no pending tool call`);
      else openCalls = openCalls.filter((open) => open !== id);
    } else if (role === 'function' && typeof message['name'] !== 'string') {
      report('function-call-invalid', `${where}: a function message needs "name"`);
    }
  }

  if (assistants === 0) report('missing-assistant-message', 'the example has no assistant message');
  else if (trainable === 0) report('no-trainable-assistant', 'every assistant message has weight 0');
  const last = messages[messages.length - 1];
  if (!isPlainObject(last) || last['role'] !== 'assistant') {
    report('last-message-not-assistant', `the last message is ${isPlainObject(last) ? JSON.stringify(last['role']) : 'not an object'}, not assistant`);
  }
  if (!roles.has('system')) report('no-system-message', 'no system message');
  if (!roles.has('user')) report('no-user-message', 'no user message');
  if (images > (options.maxImages ?? 10)) report('too-many-images', `${images} images in one example`);
  if (tokens > (options.maxTokens ?? 16_385)) report('too-many-tokens', `about ${tokens} tokens (rough estimate)`);
}

/** Declared tool names (tools + deprecated functions). */
function checkTools(example: Record<string, unknown>, report: Report): Set<string> {
  const names = new Set<string>();
  const tools = example['tools'];
  if (tools !== undefined && tools !== null) {
    if (!Array.isArray(tools)) {
      report('tools-invalid', 'tools must be a list');
    } else {
      for (const [index, tool] of tools.entries()) {
        const fn = isPlainObject(tool) ? tool['function'] : undefined;
        if (!isPlainObject(tool) || tool['type'] !== 'function' || !isPlainObject(fn)) {
          report('tools-invalid', `tools[${index}] must be {"type":"function","function":{…}}`);
          continue;
        }
        const name = fn['name'];
        if (typeof name !== 'string' || !OPENAI_NAME.test(name)) {
          report('tool-name-invalid', `tools[${index}].function.name ${JSON.stringify(name) ?? 'missing'} must match ^[A-Za-z0-9_-]{1,64}$`);
        } else {
          names.add(name);
        }
        if ('parameters' in fn && !isPlainObject(fn['parameters'])) {
          report('tools-invalid', `tools[${index}].function.parameters must be a JSON-schema object`);
        }
      }
    }
  }
  const functions = example['functions'];
  if (functions !== undefined && functions !== null) {
    report('functions-deprecated', '"functions" is deprecated; use "tools"');
    if (!Array.isArray(functions) || functions.length < 1 || functions.length > 128) {
      report('functions-invalid', 'functions must be a list of 1..128 function objects');
    } else {
      for (const fn of functions) if (isPlainObject(fn) && typeof fn['name'] === 'string') names.add(fn['name']);
    }
  }
  return names;
}

function checkToolCalls(calls: unknown, where: string, toolNames: Set<string>, report: Report): { ids: string[]; tokens: number } {
  if (!Array.isArray(calls) || calls.length === 0) {
    report('tool-calls-invalid', `${where}: tool_calls must be a non-empty list`);
    return { ids: [], tokens: 0 };
  }
  const ids: string[] = [];
  let tokens = 0;
  for (const [index, call] of calls.entries()) {
    const label = `${where} tool_calls[${index}]`;
    const fn = isPlainObject(call) ? call['function'] : undefined;
    if (!isPlainObject(call) || call['type'] !== 'function' || !isPlainObject(fn)) {
      report('tool-calls-invalid', `${label} must be {id, type:"function", function:{name, arguments}}`);
      continue;
    }
    const id = call['id'];
    if (typeof id !== 'string' || id === '') report('tool-call-id-missing', `${label} needs a string id`);
    else ids.push(id);
    const name = fn['name'];
    if (typeof name !== 'string' || name === '') {
      report('tool-calls-invalid', `${label} needs function.name`);
    } else if (!OPENAI_NAME.test(name)) {
      report('tool-name-invalid', `${label} calls "${name}", which does not match ^[A-Za-z0-9_-]{1,64}$`);
    } else if (toolNames.size > 0 && !toolNames.has(name)) {
      report('call-tool-undeclared', `${label} calls "${name}", which tools does not declare`);
    }
    const args = fn['arguments'];
    if (typeof args !== 'string') {
      report('tool-call-arguments-not-string', `${label}.function.arguments must be a JSON string, not ${jsonType(args)}`);
    } else {
      try {
        const parsed: unknown = JSON.parse(args);
        if (!isPlainObject(parsed)) report('arguments-not-object', `${label} arguments decode to ${jsonType(parsed)}, not an object`);
      } catch {
        report('tool-call-arguments-not-json', `${label} arguments are not valid JSON`);
      }
    }
    tokens += estimateTokens(typeof name === 'string' ? name : '') + estimateTokens(typeof args === 'string' ? args : '');
  }
  return { ids, tokens };
}

/** The message text (text parts joined) and image count; reports malformed parts. */
function contentText(content: unknown, role: string, where: string, report: Report): { text: string; images: number } {
  if (typeof content === 'string') return { text: content, images: 0 };
  if (!Array.isArray(content)) return { text: '', images: 0 };
  const texts: string[] = [];
  let images = 0;
  for (const [index, part] of content.entries()) {
    const label = `${where} content[${index}]`;
    if (!isPlainObject(part)) {
      report('content-part-invalid', `${label} is not an object`);
      continue;
    }
    if (part['type'] === 'text') {
      if (typeof part['text'] !== 'string') report('content-part-invalid', `${label} needs a string "text"`);
      else texts.push(part['text']);
    } else if (part['type'] === 'image_url') {
      images += 1;
      if (role !== 'user') report('image-not-in-user-message', `${label}: images are only allowed in user messages (not ${role})`);
      const url = isPlainObject(part['image_url']) ? part['image_url']['url'] : undefined;
      if (typeof url !== 'string') report('content-part-invalid', `${label} needs image_url.url`);
      else if (!IMAGE_URL.test(url)) report('image-url-invalid', `${label}: an image must be an http(s) URL or a data:image/(jpeg|png|webp);base64 URI`);
    } else if (part['type'] === 'refusal' && role === 'assistant') {
      if (typeof part['refusal'] === 'string') texts.push(part['refusal']);
    } else {
      report('content-part-invalid', `${label}: part type ${JSON.stringify(part['type']) ?? 'missing'} is not accepted for ${role} messages`);
    }
  }
  return { text: texts.join('\n'), images };
}

/** The cookbook-style rough estimate the checker uses: ASCII at 4 characters a token, other characters 1 each. */
function estimateTokens(text: string): number {
  let ascii = 0;
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) < 128) ascii += 1;
  return Math.ceil(ascii / 4) + (text.length - ascii);
}

function jsonType(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
