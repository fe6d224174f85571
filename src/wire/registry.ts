// The only list of chat wire formats. Adding a format: a folder under wire/ and one line here.
import { anthropicMessagesFormat } from './anthropic-messages/index.js';
import { codeAssistFormat } from './gemini/code-assist.js';
import { geminiFormat } from './gemini/index.js';
import { openaiChatFormat } from './openai-chat/index.js';
import { openaiResponsesFormat } from './openai-responses/index.js';
import type { WireFormat, WireFormatId } from './wire-format.js';

export const WIRE_FORMATS: readonly WireFormat[] = [openaiChatFormat, anthropicMessagesFormat, geminiFormat, openaiResponsesFormat, codeAssistFormat];

export function wireFormatById(id: WireFormatId): WireFormat {
  const format = WIRE_FORMATS.find((candidate) => candidate.id === id);
  if (!format) throw new Error(`unknown wire format ${id}`);
  return format;
}
