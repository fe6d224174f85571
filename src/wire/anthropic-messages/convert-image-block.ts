// An Anthropic `image` block to a canonical image part.
// https://docs.anthropic.com/en/api/messages (source: base64 | url | file)
import type { ContentPart } from '../../conversation/model.js';
import { asObject, asString } from '../shared/read-json.js';

/** Returns the part, or a reason why the image could not be kept. */
export function imageBlockToPart(block: Record<string, unknown>): ContentPart | { dropped: string } {
  const source = asObject(block.source);
  const sourceType = asString(source.type);
  if (sourceType === 'base64') {
    const mediaType = asString(source.media_type);
    const data = asString(source.data);
    if (mediaType === undefined || data === undefined) {
      return { dropped: 'base64 image without media_type or data' };
    }
    return { type: 'image', url: `data:${mediaType};base64,${data}`, mimeType: mediaType };
  }
  if (sourceType === 'url') {
    const url = asString(source.url);
    return url === undefined ? { dropped: 'url image without url' } : { type: 'image', url };
  }
  // `file` sources name an upload in Anthropic's Files API: there are no bytes to keep.
  return { dropped: `image with source type ${sourceType ?? 'missing'}` };
}
