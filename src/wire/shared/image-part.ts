// An image given by URL (a data: URL carrying the bytes, or http(s)) as a canonical part, with the
// media type when the data URL names it. Shared by every wire format that carries image URLs.
import type { ContentPart } from '../../conversation/model.js';

/** `data:image/png;base64,...` → `image/png`; undefined for http(s) URLs. */
export function mimeTypeOfDataUrl(url: string): string | undefined {
  return /^data:([^;,]+)[;,]/i.exec(url)?.[1];
}

export function imagePartFromUrl(url: string): ContentPart {
  const mimeType = mimeTypeOfDataUrl(url);
  return mimeType ? { type: 'image', url, mimeType } : { type: 'image', url };
}
