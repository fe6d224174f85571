// OpenAI chat completions request → Gemini `generateContent` / `streamGenerateContent?alt=sse`.
// https://ai.google.dev/api/generate-content#request-body
//   system, developer          → systemInstruction.parts (one text part per message, in order)
//   user / assistant           → contents with role user / model (consecutive same roles merged)
//   text parts                 → {text}
//   image_url data: URL        → {inlineData: {mimeType, data}}
//   image_url http(s)/gs: URL  → {fileData: {fileUri, mimeType}} (mimeType from the extension, else
//                                image/jpeg). Not fetched by the proxy: Gemini reads public URLs
//                                itself, and fetching would give the proxy an SSRF surface.
//   input_audio, file (data)   → {inlineData}
//   assistant tool_calls       → {functionCall: {name, args}} (+ thoughtSignature from
//                                tool_calls[].extra_content.google.thought_signature)
//   tool / function messages   → {functionResponse: {name, response}} in a user turn; the name is
//                                that of the call with the same id; a JSON-object result is the
//                                response itself, anything else is {output: text}
//   tools                      → tools[0].functionDeclarations (schemas: json-schema-to-gemini.ts)
//   tool_choice                → toolConfig.functionCallingConfig (none NONE, auto AUTO,
//                                required ANY, a function ANY + allowedFunctionNames)
//   temperature, top_p, max_completion_tokens|max_tokens, stop, n, seed, presence/frequency_penalty
//                              → generationConfig temperature, topP, maxOutputTokens,
//                                stopSequences, candidateCount, seed, presencePenalty, frequencyPenalty
//   response_format            → responseMimeType application/json (+ responseSchema)
//   reasoning_effort           → thinkingConfig (see thinkingConfigFor) with includeThoughts
import type { JsonObject } from '../../wire/shared/read-json.js';
import type { ChatMessage, ChatRequest, ContentPart, FunctionTool, ReasoningEffort, RequestToolCall } from '../openai-chat-request.js';
import type { TranslatedChatRequest } from '../provider-translator.js';
import { isHttpUrl, mimeTypeOfUrl, parseDataUrl } from '../shared/data-url.js';
import { contentText, isFunctionToolCall, parseToolArguments, stopSequences, toolNamesById } from '../shared/read-message.js';
import { unmappedParameterWarnings } from '../shared/unmapped-parameters.js';
import { jsonSchemaToGemini } from './json-schema-to-gemini.js';

const HANDLED = [
  'temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'stop', 'n', 'seed', 'presence_penalty',
  'frequency_penalty', 'response_format', 'reasoning_effort', 'tools', 'tool_choice', 'parallel_tool_calls',
];

type GeminiPart = JsonObject;
interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

/** `models/gemini-x` and `gemini-x` both name the model. */
export function geminiModelName(model: string): string {
  return model.startsWith('models/') ? model.slice('models/'.length) : model;
}

export function chatRequestToGemini(request: ChatRequest): TranslatedChatRequest {
  const warnings = unmappedParameterWarnings(request, HANDLED, 'Gemini');
  const model = encodeURIComponent(geminiModelName(request.model));
  const path = request.stream === true ? `/v1beta/models/${model}:streamGenerateContent?alt=sse` : `/v1beta/models/${model}:generateContent`;

  const body: JsonObject = {};
  const { contents, system } = convertMessages(request.messages, warnings);
  body.contents = contents;
  if (system.length > 0) body.systemInstruction = { parts: system.map((text) => ({ text })) };

  const declarations = convertTools(request, warnings);
  if (declarations.length > 0) body.tools = [{ functionDeclarations: declarations }];
  const toolConfig = convertToolChoice(request, warnings);
  if (toolConfig) body.toolConfig = toolConfig;
  if (request.parallel_tool_calls === false) warnings.push('parallel_tool_calls=false has no Gemini equivalent: the model may still call several functions at once');

  const generationConfig = convertGenerationConfig(request, warnings);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  return { method: 'POST', path, body, warnings };
}

function convertMessages(messages: readonly ChatMessage[], warnings: string[]): { contents: GeminiContent[]; system: string[] } {
  const contents: GeminiContent[] = [];
  const system: string[] = [];
  const names = toolNamesById(messages);
  const push = (role: GeminiContent['role'], parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
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
        if (message.name !== undefined) warnings.push(`${where}.name has no Gemini equivalent and was not sent`);
        push('user', userParts(message.content, where, warnings));
        break;
      case 'assistant': {
        const parts = assistantParts(message, where, warnings);
        if (parts.length === 0) warnings.push(`${where}: assistant message with nothing to send was skipped`);
        push('model', parts);
        break;
      }
      case 'tool': {
        const name = names.get(message.tool_call_id);
        if (name === undefined) warnings.push(`${where}: no assistant tool call has id "${message.tool_call_id}"; the id is used as the function name`);
        push('user', [functionResponsePart(name ?? message.tool_call_id, contentText(message.content, where, warnings))]);
        break;
      }
      case 'function':
        push('user', [functionResponsePart(message.name, contentText(message.content, where, warnings))]);
        break;
    }
  });
  return { contents, system };
}

function userParts(content: ChatMessage['content'], where: string, warnings: string[]): GeminiPart[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  const parts: GeminiPart[] = [];
  content.forEach((part, index) => {
    const converted = userPart(part, `${where}.content[${index}]`, warnings);
    if (converted) parts.push(converted);
  });
  return parts;
}

function userPart(part: ContentPart, where: string, warnings: string[]): GeminiPart | undefined {
  switch (part.type) {
    case 'text':
      return typeof part.text === 'string' && part.text !== '' ? { text: part.text } : undefined;
    case 'image_url': {
      const image = part.image_url as string | { url: string; detail?: string };
      const url = typeof image === 'string' ? image : image.url;
      if (typeof image === 'object' && image.detail !== undefined && image.detail !== 'auto') {
        warnings.push(`${where}: image detail "${image.detail}" has no per-image Gemini equivalent`);
      }
      const inline = parseDataUrl(url);
      if (inline) return { inlineData: { mimeType: inline.mimeType, data: inline.data } };
      return { fileData: { mimeType: mimeTypeOfUrl(url) ?? 'image/jpeg', fileUri: url } };
    }
    case 'input_audio': {
      const audio = part.input_audio as { data: string; format: string };
      return { inlineData: { mimeType: `audio/${audio.format}`, data: audio.data } };
    }
    case 'file': {
      const file = part.file as { file_data?: string; file_id?: string };
      const inline = file.file_data !== undefined ? parseDataUrl(file.file_data) : undefined;
      if (inline) return { inlineData: { mimeType: inline.mimeType, data: inline.data } };
      if (file.file_data !== undefined && isHttpUrl(file.file_data)) return { fileData: { fileUri: file.file_data } };
      warnings.push(`${where}: file part without inline data (an OpenAI file_id) cannot be sent to Gemini and was dropped`);
      return undefined;
    }
    default:
      warnings.push(`${where}: content part of type "${part.type}" has no Gemini equivalent and was dropped`);
      return undefined;
  }
}

function assistantParts(message: Extract<ChatMessage, { role: 'assistant' }>, where: string, warnings: string[]): GeminiPart[] {
  const parts: GeminiPart[] = [];
  if (message.reasoning_content) warnings.push(`${where}.reasoning_content is not sent back to Gemini (thoughts are not part of the history)`);
  const content = message.content;
  if (typeof content === 'string') {
    if (content !== '') parts.push({ text: content });
  } else if (Array.isArray(content)) {
    content.forEach((part, index) => {
      if (part.type === 'text' && typeof part.text === 'string' && part.text !== '') parts.push({ text: part.text });
      else if (part.type === 'refusal' && typeof part.refusal === 'string') parts.push({ text: part.refusal });
      else if (part.type !== 'text') warnings.push(`${where}.content[${index}]: ${part.type} part in an assistant message was dropped`);
    });
  }
  (message.tool_calls ?? []).forEach((call, index) => {
    if (!isFunctionToolCall(call)) {
      warnings.push(`${where}.tool_calls[${index}]: tool call of type "${call.type}" was dropped`);
      return;
    }
    parts.push(functionCallPart(call, `${where}.tool_calls[${index}]`, warnings));
  });
  if (message.function_call) {
    parts.push(functionCallPart({ function: message.function_call }, `${where}.function_call`, warnings));
  }
  return parts;
}

function functionCallPart(call: RequestToolCall, where: string, warnings: string[]): GeminiPart {
  const parsed = parseToolArguments(call.function.arguments);
  if (!parsed.valid) warnings.push(`${where}: arguments are not a JSON object; sent as {}`);
  const part: GeminiPart = { functionCall: { name: call.function.name, args: parsed.value } };
  const signature = call.extra_content?.google?.thought_signature;
  if (signature !== undefined) part.thoughtSignature = signature;
  return part;
}

function functionResponsePart(name: string, text: string): GeminiPart {
  return { functionResponse: { name, response: functionResponseValue(text) } };
}

/** Gemini wants an object: a JSON-object result is passed as is, anything else as `{output}`. */
export function functionResponseValue(text: string): JsonObject {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as JsonObject;
  } catch {
    // plain text
  }
  return { output: text };
}

function convertTools(request: ChatRequest, warnings: string[]): JsonObject[] {
  const allowed = allowedToolNames(request);
  const declarations: JsonObject[] = [];
  (request.tools ?? []).forEach((tool, index) => {
    if (tool.type !== 'function' || !('function' in tool)) {
      warnings.push(`tools[${index}]: tool of type "${tool.type}" has no Gemini equivalent and was not sent`);
      return;
    }
    const fn = (tool as FunctionTool).function;
    if (allowed && !allowed.has(fn.name)) return;
    const declaration: JsonObject = { name: fn.name };
    if (fn.description !== undefined) declaration.description = fn.description;
    if (fn.parameters !== undefined) {
      const converted = jsonSchemaToGemini(fn.parameters);
      if (converted.removed.length > 0) {
        warnings.push(`tools[${index}] (${fn.name}): JSON Schema keywords Gemini does not accept were removed: ${converted.removed.join(', ')}`);
      }
      // Gemini refuses an OBJECT schema without properties: a function without parameters has none.
      const properties = converted.schema.properties;
      const empty = converted.schema.type === 'object' && (properties === undefined || Object.keys(properties as object).length === 0);
      if (!empty) declaration.parameters = converted.schema;
    }
    declarations.push(declaration);
  });
  return declarations;
}

/** `tool_choice: {type: 'allowed_tools'}` restricts the declarations sent to the allowed ones. */
function allowedToolNames(request: ChatRequest): Set<string> | undefined {
  const choice = request.tool_choice;
  if (typeof choice !== 'object' || choice === null || choice.type !== 'allowed_tools') return undefined;
  const allowed = (choice as Extract<typeof choice, { type: 'allowed_tools' }>).allowed_tools;
  return new Set(allowed.tools.flatMap((tool) => (tool.function ? [tool.function.name] : [])));
}

function convertToolChoice(request: ChatRequest, warnings: string[]): JsonObject | undefined {
  const choice = request.tool_choice;
  if (choice === null || choice === undefined) return undefined;
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  if (choice.type === 'function') {
    const name = (choice as Extract<typeof choice, { type: 'function' }>).function.name;
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [name] } };
  }
  if (choice.type === 'allowed_tools') {
    const mode = (choice as Extract<typeof choice, { type: 'allowed_tools' }>).allowed_tools.mode;
    return { functionCallingConfig: { mode: mode === 'required' ? 'ANY' : 'AUTO' } };
  }
  warnings.push(`tool_choice of type "${String((choice as { type?: unknown }).type)}" has no Gemini equivalent`);
  return undefined;
}

function convertGenerationConfig(request: ChatRequest, warnings: string[]): JsonObject {
  const config: JsonObject = {};
  if (request.temperature !== null && request.temperature !== undefined) config.temperature = request.temperature;
  if (request.top_p !== null && request.top_p !== undefined) config.topP = request.top_p;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens !== null && maxTokens !== undefined) config.maxOutputTokens = maxTokens;
  const stop = stopSequences(request.stop);
  if (stop) config.stopSequences = stop;
  if (request.n !== null && request.n !== undefined && request.n !== 1) config.candidateCount = request.n;
  if (request.seed !== null && request.seed !== undefined) config.seed = request.seed;
  if (request.presence_penalty !== null && request.presence_penalty !== undefined) config.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty !== null && request.frequency_penalty !== undefined) config.frequencyPenalty = request.frequency_penalty;

  const format = request.response_format;
  if (format?.type === 'json_object') config.responseMimeType = 'application/json';
  else if (format?.type === 'json_schema') {
    const jsonSchema = (format as Extract<typeof format, { type: 'json_schema' }>).json_schema;
    config.responseMimeType = 'application/json';
    if (jsonSchema.schema !== undefined) {
      const converted = jsonSchemaToGemini(jsonSchema.schema);
      if (converted.removed.length > 0) {
        warnings.push(`response_format.json_schema (${jsonSchema.name}): JSON Schema keywords Gemini does not accept were removed: ${converted.removed.join(', ')}`);
      }
      config.responseSchema = converted.schema;
    }
  }

  if (request.reasoning_effort !== null && request.reasoning_effort !== undefined) {
    config.thinkingConfig = thinkingConfigFor(request.model, request.reasoning_effort, warnings);
  }
  return config;
}

/**
 * `reasoning_effort` → thinkingConfig, after Google's own OpenAI-compatibility table
 * (https://ai.google.dev/gemini-api/docs/openai#thinking): Gemini 2.5 takes a token budget
 * (none 0, minimal/low 1024, medium 8192, high 24576); Gemini 3 takes a level (low, or high for
 * medium and above) and cannot switch thinking off. Thoughts are included so they come back as
 * `reasoning_content`.
 */
export function thinkingConfigFor(model: string, effort: ReasoningEffort, warnings: string[]): JsonObject {
  if (/gemini-3/i.test(model)) {
    if (effort === 'none') warnings.push('reasoning_effort "none": Gemini 3 models cannot switch thinking off; using the low level');
    const level = effort === 'none' || effort === 'minimal' || effort === 'low' ? 'low' : 'high';
    return { thinkingLevel: level, includeThoughts: true };
  }
  if (effort === 'none') return { thinkingBudget: 0 };
  const budget = effort === 'minimal' || effort === 'low' ? 1024 : effort === 'medium' ? 8192 : 24576;
  return { thinkingBudget: budget, includeThoughts: true };
}
