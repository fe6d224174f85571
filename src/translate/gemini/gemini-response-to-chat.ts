// Gemini `GenerateContentResponse` → OpenAI `chat.completion`.
// https://ai.google.dev/api/generate-content#generatecontentresponse
//   candidates[i]            → choices[i] (candidate.index when given)
//   text parts               → message.content (concatenated; null when none)
//   thought parts            → message.reasoning_content
//   functionCall parts       → message.tool_calls (ids generated, args as a JSON string; a
//                              thoughtSignature rides along in extra_content.google, as Google's
//                              own OpenAI-compatible endpoint does, so the next turn can return it)
//   finishReason             → finish_reason (map-gemini-finish-reason.ts)
//   usageMetadata            → usage (gemini-usage-to-openai.ts)
//   promptFeedback.blockReason with no candidates → one empty choice, finish_reason content_filter
//   modelVersion / responseId → model / id (chatcmpl-<responseId>)
import { asArray, asObject, asString, isObject, type JsonObject } from '../../wire/shared/read-json.js';
import { readField } from '../../wire/gemini/read-field.js';
import type { ChatCompletion, ChatCompletionMessage, OpenAiFinishReason, ResponseToolCall } from '../openai-chat-response.js';
import type { TranslationContext } from '../provider-translator.js';
import { geminiUsageToOpenAi } from './gemini-usage-to-openai.js';
import { isPromptBlocked, mapGeminiFinishReason } from './map-gemini-finish-reason.js';

export function geminiResponseToChat(body: unknown, context: TranslationContext): { completion: ChatCompletion; warnings: string[] } {
  const response = asObject(body);
  const warnings: string[] = [];
  const choices: ChatCompletion['choices'] = [];
  asArray(response.candidates).forEach((raw, position) => {
    const candidate = asObject(raw);
    const index = typeof candidate.index === 'number' ? candidate.index : position;
    const message = candidateMessage(asObject(candidate.content), context, warnings, `candidates[${position}]`);
    const rawReason = asString(readField(candidate, 'finishReason'));
    const { finishReason, unusual } = mapGeminiFinishReason(rawReason, message.tool_calls !== undefined);
    if (unusual && rawReason !== undefined) warnings.push(`candidates[${position}]: finishReason ${rawReason} answered as "${finishReason}"`);
    choices.push({ index, message, logprobs: null, finish_reason: finishReason });
  });
  if (choices.length === 0) {
    const blockReason = readField(asObject(readField(response, 'promptFeedback')), 'blockReason');
    const finishReason: OpenAiFinishReason = isPromptBlocked(blockReason) ? 'content_filter' : 'stop';
    warnings.push(isPromptBlocked(blockReason) ? `prompt blocked by Gemini: ${String(blockReason)}` : 'Gemini answered without candidates');
    choices.push({ index: 0, message: { role: 'assistant', content: null, refusal: null }, logprobs: null, finish_reason: finishReason });
  }

  const responseId = asString(readField(response, 'responseId'));
  const completion: ChatCompletion = {
    id: `chatcmpl-${responseId ?? context.generateId()}`,
    object: 'chat.completion',
    created: Math.floor(context.now / 1000),
    model: asString(readField(response, 'modelVersion')) ?? context.model,
    choices,
  };
  const usage = geminiUsageToOpenAi(readField(response, 'usageMetadata'));
  if (usage) completion.usage = usage;
  return { completion, warnings };
}

function candidateMessage(content: JsonObject, context: TranslationContext, warnings: string[], where: string): ChatCompletionMessage {
  let text = '';
  let reasoning = '';
  const toolCalls: ResponseToolCall[] = [];
  for (const raw of asArray(content.parts)) {
    const part = asObject(raw);
    const functionCall = readField(part, 'functionCall');
    if (isObject(functionCall)) {
      toolCalls.push(toolCallOf(functionCall, asString(readField(part, 'thoughtSignature')), context));
    } else if (typeof part.text === 'string') {
      if (part.thought === true) reasoning += part.text;
      else text += part.text;
    } else {
      warnings.push(`${where}: ${Object.keys(part).join('/') || 'empty'} part has no OpenAI chat equivalent and was dropped`);
    }
  }
  const message: ChatCompletionMessage = { role: 'assistant', content: text === '' ? null : text, refusal: null };
  if (reasoning !== '') message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

export function toolCallOf(functionCall: JsonObject, thoughtSignature: string | undefined, context: TranslationContext): ResponseToolCall {
  const call: ResponseToolCall = {
    id: `call_${context.generateId()}`,
    type: 'function',
    function: { name: asString(functionCall.name) ?? '', arguments: JSON.stringify(isObject(functionCall.args) ? functionCall.args : {}) },
  };
  if (thoughtSignature !== undefined) call.extra_content = { google: { thought_signature: thoughtSignature } };
  return call;
}
