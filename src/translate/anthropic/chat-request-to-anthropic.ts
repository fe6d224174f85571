// OpenAI chat completions request → Anthropic Messages `POST /v1/messages`.
// https://docs.anthropic.com/en/api/messages
//   system, developer        → system (text blocks, in order, wherever they sat)
//   user / assistant         → messages with the same roles (consecutive same roles merged)
//   text parts               → text blocks
//   image_url data: URL      → image block, base64 source; http(s) URL → image block, url source
//                              (Anthropic fetches it; the proxy does not)
//   file (data: URL)         → document block (PDF base64, text/plain text source); http(s) → url source
//   assistant tool_calls     → tool_use blocks {id, name, input}
//   assistant thinking_blocks → thinking / redacted_thinking blocks, first (what a tool loop with
//                              extended thinking must send back; our answers carry them)
//   tool messages            → tool_result blocks {tool_use_id, content} in a user turn
//   tools                    → tools {name, description, input_schema}
//   tool_choice              → auto {auto}, required {any}, none {none}, a function {tool, name};
//                              parallel_tool_calls=false → disable_parallel_tool_use
//   max_completion_tokens|max_tokens → max_tokens (DEFAULT_MAX_TOKENS when absent: Anthropic requires it)
//   temperature (clamped to 1), top_p, stop → stop_sequences, user → metadata.user_id
//   response_format json_object/json_schema → a forced tool whose input is the answer (JSON_TOOL_NAME;
//                              the response side turns its input back into message.content)
//   reasoning_effort         → thinking {type: enabled, budget_tokens} (see THINKING_BUDGET)
import type { JsonObject } from '../../wire/shared/read-json.js';
import type { ChatMessage, ChatRequest, ContentPart, FunctionTool, ReasoningEffort } from '../openai-chat-request.js';
import type { TranslatedChatRequest } from '../provider-translator.js';
import { isHttpUrl, parseDataUrl } from '../shared/data-url.js';
import { contentText, isFunctionToolCall, parseToolArguments, stopSequences } from '../shared/read-message.js';
import { unmappedParameterWarnings } from '../shared/unmapped-parameters.js';

/** Used when the client sends no max_tokens: every Claude model can produce at least this many. */
export const DEFAULT_MAX_TOKENS = 4096;
export const JSON_TOOL_NAME = 'json_response';

/** Extended-thinking budgets per reasoning_effort (Anthropic's minimum budget is 1024). */
export const THINKING_BUDGET: Record<Exclude<ReasoningEffort, 'none'>, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
};

const HANDLED = [
  'temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'stop', 'n', 'response_format', 'reasoning_effort',
  'tools', 'tool_choice', 'parallel_tool_calls', 'user',
];

type Block = JsonObject;
interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

export function chatRequestToAnthropic(request: ChatRequest): TranslatedChatRequest {
  const warnings = unmappedParameterWarnings(request, HANDLED, 'Anthropic');
  if (request.n !== null && request.n !== undefined && request.n > 1) warnings.push(`n=${request.n}: Anthropic returns one choice per request`);

  const body: JsonObject = { model: request.model };
  const { messages, system } = convertMessages(request.messages, warnings);
  const requestedMax = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  body.max_tokens = requestedMax ?? DEFAULT_MAX_TOKENS;
  if (system.length > 0) body.system = system.map((text) => ({ type: 'text', text }));
  body.messages = messages;

  const thinking = convertThinking(request, requestedMax, body, warnings);
  if (request.temperature !== null && request.temperature !== undefined) {
    if (thinking) warnings.push('temperature is not allowed with extended thinking (reasoning_effort) and was not sent');
    else if (request.temperature > 1) {
      warnings.push(`temperature ${request.temperature} is above Anthropic's maximum of 1; sent as 1`);
      body.temperature = 1;
    } else body.temperature = request.temperature;
  }
  if (request.top_p !== null && request.top_p !== undefined) {
    if (thinking && request.top_p < 0.95) warnings.push('top_p below 0.95 is not allowed with extended thinking (reasoning_effort) and was not sent');
    else body.top_p = request.top_p;
  }
  const stop = stopSequences(request.stop);
  if (stop) body.stop_sequences = stop;
  if (request.user) body.metadata = { user_id: request.user };

  const tools = convertTools(request, warnings);
  let toolChoice = convertToolChoice(request, warnings);
  let jsonToolName: string | undefined;
  const format = request.response_format;
  if (format?.type === 'json_object' || format?.type === 'json_schema') {
    const jsonSchema = format.type === 'json_schema' ? (format as Extract<typeof format, { type: 'json_schema' }>).json_schema : undefined;
    jsonToolName = JSON_TOOL_NAME;
    tools.push({
      name: JSON_TOOL_NAME,
      description: `Respond to the user with this tool: its input is your whole answer, as JSON${jsonSchema?.description ? `. ${jsonSchema.description}` : ''}.`,
      input_schema: objectSchema(jsonSchema?.schema),
    });
    if (tools.length > 1) {
      warnings.push(`response_format with tools: the model chooses between your tools and the ${JSON_TOOL_NAME} tool that carries the JSON answer`);
    } else if (thinking) {
      warnings.push(`response_format with reasoning_effort: Anthropic cannot force a tool while thinking, so the ${JSON_TOOL_NAME} tool is offered, not forced`);
    } else {
      toolChoice = { type: 'tool', name: JSON_TOOL_NAME };
    }
  }
  if (thinking && toolChoice && (toolChoice.type === 'any' || toolChoice.type === 'tool')) {
    warnings.push('tool_choice that forces a tool is not allowed with extended thinking (reasoning_effort); sent as auto');
    toolChoice = { ...toolChoice, type: 'auto' };
    delete toolChoice.name;
  }
  if (request.parallel_tool_calls === false && tools.length > 0) {
    toolChoice = { ...(toolChoice ?? { type: 'auto' }), disable_parallel_tool_use: true };
    if (toolChoice.type === 'none') delete toolChoice.disable_parallel_tool_use;
  }
  if (tools.length > 0) {
    body.tools = tools;
    if (toolChoice) body.tool_choice = toolChoice;
  } else if (toolChoice) warnings.push('tool_choice without tools was not sent (Anthropic refuses it)');
  if (request.stream === true) body.stream = true;

  const translated: TranslatedChatRequest = { method: 'POST', path: '/v1/messages', body, warnings };
  if (jsonToolName !== undefined) translated.jsonToolName = jsonToolName;
  return translated;
}

function convertThinking(request: ChatRequest, requestedMax: number | undefined, body: JsonObject, warnings: string[]): boolean {
  const effort = request.reasoning_effort;
  if (effort === null || effort === undefined || effort === 'none') return false;
  let budget = THINKING_BUDGET[effort];
  if (requestedMax === undefined) {
    body.max_tokens = budget + DEFAULT_MAX_TOKENS;
  } else if (requestedMax <= budget) {
    if (requestedMax <= 1024) {
      warnings.push(`reasoning_effort "${effort}" needs max_tokens above 1024 for Anthropic's minimum thinking budget; thinking was not enabled`);
      return false;
    }
    budget = requestedMax - 1;
    warnings.push(`reasoning_effort "${effort}": thinking budget lowered to ${budget} to fit max_tokens ${requestedMax}`);
  }
  body.thinking = { type: 'enabled', budget_tokens: budget };
  return true;
}

function convertMessages(messages: readonly ChatMessage[], warnings: string[]): { messages: AnthropicMessage[]; system: string[] } {
  const out: AnthropicMessage[] = [];
  const system: string[] = [];
  const push = (role: AnthropicMessage['role'], content: Block[]) => {
    if (content.length === 0) return;
    const last = out[out.length - 1];
    if (last?.role === role) last.content.push(...content);
    else out.push({ role, content });
  };
  messages.forEach((message, position) => {
    const where = `messages[${position}]`;
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = contentText(message.content, where, warnings);
        if (text !== '') system.push(text);
        break;
      }
      case 'user':
        if (message.name !== undefined) warnings.push(`${where}.name has no Anthropic equivalent and was not sent`);
        push('user', userBlocks(message.content, where, warnings));
        break;
      case 'assistant': {
        const blocks = assistantBlocks(message, where, warnings);
        if (blocks.length === 0) warnings.push(`${where}: assistant message with nothing to send was skipped`);
        push('assistant', blocks);
        break;
      }
      case 'tool': {
        const text = contentText(message.content, where, warnings);
        push('user', [{ type: 'tool_result', tool_use_id: message.tool_call_id, ...(text !== '' ? { content: text } : {}) }]);
        break;
      }
      case 'function':
        warnings.push(`${where}: legacy function message has no call id for Anthropic; sent as text`);
        push('user', [{ type: 'text', text: `${message.name}: ${contentText(message.content, where, warnings)}` }]);
        break;
    }
  });
  return { messages: out, system };
}

function userBlocks(content: ChatMessage['content'], where: string, warnings: string[]): Block[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const blocks: Block[] = [];
  content.forEach((part, index) => {
    const block = userBlock(part, `${where}.content[${index}]`, warnings);
    if (block) blocks.push(block);
  });
  return blocks;
}

function userBlock(part: ContentPart, where: string, warnings: string[]): Block | undefined {
  switch (part.type) {
    case 'text':
      return typeof part.text === 'string' && part.text !== '' ? { type: 'text', text: part.text } : undefined;
    case 'image_url': {
      const image = part.image_url as string | { url: string; detail?: string };
      const url = typeof image === 'string' ? image : image.url;
      if (typeof image === 'object' && image.detail !== undefined && image.detail !== 'auto') {
        warnings.push(`${where}: image detail "${image.detail}" has no Anthropic equivalent`);
      }
      const inline = parseDataUrl(url);
      if (inline) return { type: 'image', source: { type: 'base64', media_type: inline.mimeType, data: inline.data } };
      return { type: 'image', source: { type: 'url', url } };
    }
    case 'file': {
      const file = part.file as { file_data?: string; filename?: string };
      const inline = file.file_data !== undefined ? parseDataUrl(file.file_data) : undefined;
      if (inline?.mimeType === 'application/pdf') return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: inline.data } };
      if (inline?.mimeType === 'text/plain') {
        return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: Buffer.from(inline.data, 'base64').toString('utf8') } };
      }
      if (file.file_data !== undefined && isHttpUrl(file.file_data)) return { type: 'document', source: { type: 'url', url: file.file_data } };
      warnings.push(`${where}: file part (${inline ? inline.mimeType : 'an OpenAI file_id'}) cannot be sent to Anthropic and was dropped`);
      return undefined;
    }
    default:
      warnings.push(`${where}: content part of type "${part.type}" has no Anthropic equivalent and was dropped`);
      return undefined;
  }
}

function assistantBlocks(message: Extract<ChatMessage, { role: 'assistant' }>, where: string, warnings: string[]): Block[] {
  const blocks: Block[] = [];
  for (const thinking of message.thinking_blocks ?? []) blocks.push({ ...thinking });
  if (message.reasoning_content && !message.thinking_blocks?.length) {
    warnings.push(`${where}.reasoning_content without thinking_blocks (no signature) cannot be sent back to Anthropic`);
  }
  const content = message.content;
  if (typeof content === 'string') {
    if (content !== '') blocks.push({ type: 'text', text: content });
  } else if (Array.isArray(content)) {
    content.forEach((part, index) => {
      if (part.type === 'text' && typeof part.text === 'string' && part.text !== '') blocks.push({ type: 'text', text: part.text });
      else if (part.type === 'refusal' && typeof part.refusal === 'string') blocks.push({ type: 'text', text: part.refusal });
      else if (part.type !== 'text') warnings.push(`${where}.content[${index}]: ${part.type} part in an assistant message was dropped`);
    });
  }
  (message.tool_calls ?? []).forEach((call, index) => {
    if (!isFunctionToolCall(call)) {
      warnings.push(`${where}.tool_calls[${index}]: tool call of type "${call.type}" was dropped`);
      return;
    }
    const parsed = parseToolArguments(call.function.arguments);
    if (!parsed.valid) warnings.push(`${where}.tool_calls[${index}]: arguments are not a JSON object; sent as {}`);
    blocks.push({ type: 'tool_use', id: call.id ?? `call_${index}`, name: call.function.name, input: parsed.value });
  });
  if (message.function_call) warnings.push(`${where}.function_call (legacy) has no call id for Anthropic and was dropped`);
  return blocks;
}

/** Anthropic's input_schema must be an object schema. */
function objectSchema(parameters: Record<string, unknown> | undefined): JsonObject {
  if (parameters === undefined) return { type: 'object', properties: {} };
  return parameters.type === undefined ? { type: 'object', ...parameters } : parameters;
}

function convertTools(request: ChatRequest, warnings: string[]): Block[] {
  const allowed = allowedToolNames(request);
  const tools: Block[] = [];
  (request.tools ?? []).forEach((tool, index) => {
    if (tool.type !== 'function' || !('function' in tool)) {
      warnings.push(`tools[${index}]: tool of type "${tool.type}" has no Anthropic equivalent and was not sent`);
      return;
    }
    const fn = (tool as FunctionTool).function;
    if (allowed && !allowed.has(fn.name)) return;
    tools.push({
      name: fn.name,
      ...(fn.description !== undefined ? { description: fn.description } : {}),
      input_schema: objectSchema(fn.parameters),
    });
  });
  return tools;
}

function allowedToolNames(request: ChatRequest): Set<string> | undefined {
  const choice = request.tool_choice;
  if (typeof choice !== 'object' || choice === null || choice.type !== 'allowed_tools') return undefined;
  const allowed = (choice as Extract<typeof choice, { type: 'allowed_tools' }>).allowed_tools;
  return new Set(allowed.tools.flatMap((tool) => (tool.function ? [tool.function.name] : [])));
}

function convertToolChoice(request: ChatRequest, warnings: string[]): JsonObject | undefined {
  const choice = request.tool_choice;
  if (choice === null || choice === undefined) return undefined;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice.type === 'function') return { type: 'tool', name: (choice as Extract<typeof choice, { type: 'function' }>).function.name };
  if (choice.type === 'allowed_tools') {
    return { type: (choice as Extract<typeof choice, { type: 'allowed_tools' }>).allowed_tools.mode === 'required' ? 'any' : 'auto' };
  }
  warnings.push(`tool_choice of type "${String((choice as { type?: unknown }).type)}" has no Anthropic equivalent`);
  return undefined;
}
