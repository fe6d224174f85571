// Reads OpenAI chat `content` values (a string, null, or a list of typed parts) into canonical
// parts. Unknown part types are dropped with a warning, never thrown on (ARCHITECTURE: parse loosely).
// Part shapes: https://platform.openai.com/docs/api-reference/chat/create (messages[].content).
import type { ContentPart } from '../../conversation/model.js';
import { imagePartFromUrl } from '../shared/image-part.js';
import { asObject, asString, isObject, stringifyJson } from '../shared/read-json.js';

export interface ReadParts {
  parts: ContentPart[];
  warnings: string[];
}

/**
 * User or assistant content → text and image parts in source order. Empty strings make no part.
 * A `refusal` part (assistant history) is kept as text, like a refusal in a response.
 */
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
    if (typeof raw === 'string') {
      if (raw !== '') parts.push({ type: 'text', text: raw });
      continue;
    }
    const part = asObject(raw);
    const type = asString(part.type);
    if (type === 'text') {
      const text = asString(part.text) ?? '';
      if (text !== '') parts.push({ type: 'text', text });
    } else if (type === 'image_url') {
      // `image_url` is `{url, detail?}`; a few clients send the URL string directly.
      const url = isObject(part.image_url) ? asString(part.image_url.url) : asString(part.image_url);
      if (url) parts.push(imagePartFromUrl(url));
      else warnings.push(`${where}: image_url part without a url dropped`);
    } else if (type === 'refusal') {
      const text = asString(part.refusal) ?? '';
      if (text !== '') parts.push({ type: 'text', text });
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

/** System, developer and tool content → one string; text parts joined with "\n". */
export function readContentText(content: unknown, where: string): ReadText {
  if (content === null || content === undefined) return { text: '', warnings: [] };
  if (typeof content === 'string') return { text: content, warnings: [] };
  if (!Array.isArray(content)) {
    // Not in the spec, but some clients send a tool result as an object: keep it as JSON.
    return { text: stringifyJson(content), warnings: [] };
  }
  const texts: string[] = [];
  const warnings: string[] = [];
  for (const raw of content) {
    if (typeof raw === 'string') {
      texts.push(raw);
      continue;
    }
    const part = asObject(raw);
    const type = asString(part.type);
    if (type === 'text') texts.push(asString(part.text) ?? '');
    else warnings.push(`${where}: non-text part of type "${type ?? 'unknown'}" dropped`);
  }
  return { text: texts.join('\n'), warnings };
}
