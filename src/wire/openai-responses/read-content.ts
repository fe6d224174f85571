// Reads Responses API content: input message parts (`input_text`, `output_text`, `input_image`...),
// and function_call_output values (a string or a list of parts) reduced to text.
// Shapes: https://platform.openai.com/docs/api-reference/responses/create (input items).
import type { ContentPart } from '../../conversation/model.js';
import { imagePartFromUrl } from '../shared/image-part.js';
import { asObject, asString, isObject, stringifyJson } from '../shared/read-json.js';

export interface ReadParts {
  parts: ContentPart[];
  warnings: string[];
}

/** Text and image parts in source order; empty texts make no part; files and audio are dropped. */
export function readContentParts(content: unknown, where: string): ReadParts {
  const parts: ContentPart[] = [];
  const warnings: string[] = [];
  if (content === null || content === undefined) return { parts, warnings };
  if (typeof content === 'string') {
    if (content !== '') parts.push({ type: 'text', text: content });
    return { parts, warnings };
  }
  if (!Array.isArray(content)) {
    warnings.push(`${where}: content of type ${typeof content} ignored`);
    return { parts, warnings };
  }
  for (const raw of content) {
    const part = asObject(raw);
    const type = asString(part.type);
    if (type === 'input_text' || type === 'output_text' || type === 'text') {
      const text = asString(part.text) ?? '';
      if (text !== '') parts.push({ type: 'text', text });
    } else if (type === 'refusal') {
      const text = asString(part.refusal) ?? '';
      if (text !== '') parts.push({ type: 'text', text });
    } else if (type === 'input_image') {
      // `image_url` is a string (http(s) or data URL); `file_id` images cannot be resolved here.
      const url = isObject(part.image_url) ? asString(part.image_url.url) : asString(part.image_url);
      if (url) {
        parts.push(imagePartFromUrl(url));
      } else {
        warnings.push(`${where}: input_image without an image_url (file_id?) dropped`);
      }
    } else {
      warnings.push(`${where}: content part of type "${type ?? 'unknown'}" dropped`);
    }
  }
  return { parts, warnings };
}

export interface ReadText {
  text: string;
  warnings: string[];
}

/** Text of instructions-like content or a tool output; text parts joined with "\n". */
export function readContentText(content: unknown, where: string): ReadText {
  if (content === null || content === undefined) return { text: '', warnings: [] };
  if (typeof content === 'string') return { text: content, warnings: [] };
  if (!Array.isArray(content)) return { text: stringifyJson(content), warnings: [] };
  const texts: string[] = [];
  const warnings: string[] = [];
  for (const raw of content) {
    const part = asObject(raw);
    const type = asString(part.type);
    if (type === 'input_text' || type === 'output_text' || type === 'text') texts.push(asString(part.text) ?? '');
    else warnings.push(`${where}: non-text part of type "${type ?? 'unknown'}" dropped`);
  }
  return { text: texts.join('\n'), warnings };
}
