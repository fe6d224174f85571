// Gemini `inlineData` / `fileData` parts to canonical image parts. Only images fit ContentPart;
// audio, video and PDF parts are reported back as a reason to drop them.
import type { ContentPart } from '../../conversation/model.js';
import { asObject, asString, type JsonObject } from '../shared/read-json.js';
import { readField } from './read-field.js';

export function partToImage(part: JsonObject): ContentPart | { dropped: string } | undefined {
  const inline = readField(part, 'inlineData');
  if (inline !== undefined) {
    const blob = asObject(inline);
    const mimeType = asString(readField(blob, 'mimeType'));
    const data = asString(blob.data);
    if (mimeType === undefined || data === undefined) return { dropped: 'inlineData without mimeType or data' };
    if (!mimeType.startsWith('image/')) return { dropped: `inlineData of type ${mimeType}` };
    return { type: 'image', url: `data:${mimeType};base64,${data}`, mimeType };
  }
  const file = readField(part, 'fileData');
  if (file !== undefined) {
    const reference = asObject(file);
    const mimeType = asString(readField(reference, 'mimeType'));
    const fileUri = asString(readField(reference, 'fileUri'));
    if (fileUri === undefined) return { dropped: 'fileData without fileUri' };
    if (mimeType !== undefined && !mimeType.startsWith('image/')) return { dropped: `fileData of type ${mimeType}` };
    return { type: 'image', url: fileUri, ...(mimeType !== undefined ? { mimeType } : {}) };
  }
  return undefined;
}
