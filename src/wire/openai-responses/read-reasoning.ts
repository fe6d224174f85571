// The text of a `reasoning` item: its summary texts, or (gpt-oss and other open-weight servers)
// its `reasoning_text` content when there is no summary. Encrypted content is never readable.
import { asArray, asObject, asString, type JsonObject } from '../shared/read-json.js';

export function reasoningTexts(item: JsonObject): string[] {
  const summary = asArray(item.summary)
    .map((part) => asString(asObject(part).text) ?? '')
    .filter((text) => text !== '');
  if (summary.length > 0) return summary;
  return asArray(item.content)
    .map((part) => asObject(part))
    .filter((part) => part.type === 'reasoning_text')
    .map((part) => asString(part.text) ?? '')
    .filter((text) => text !== '');
}
