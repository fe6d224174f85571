// `data:` URLs (RFC 2397) as OpenAI clients send images, audio and files: split into the MIME type
// and base64 payload that Gemini `inlineData` and Anthropic `base64` sources want.

export interface InlineData {
  mimeType: string;
  /** Base64 (standard alphabet). */
  data: string;
}

export function parseDataUrl(url: string): InlineData | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  if (comma === -1) return undefined;
  const meta = url.slice(5, comma).split(';');
  const mimeType = meta[0] !== undefined && meta[0] !== '' ? meta[0].toLowerCase() : 'text/plain';
  const payload = url.slice(comma + 1);
  if (meta.slice(1).some((parameter) => parameter.toLowerCase() === 'base64')) return { mimeType, data: payload };
  // A percent-encoded (non-base64) data URL: its bytes re-encoded as base64.
  return { mimeType, data: Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64') };
}

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  mp4: 'video/mp4',
};

/** The MIME type an http(s) URL's file extension suggests; undefined when it says nothing. */
export function mimeTypeOfUrl(url: string): string | undefined {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  const dot = path.lastIndexOf('.');
  if (dot === -1 || dot < path.lastIndexOf('/')) return undefined;
  return MIME_BY_EXTENSION[path.slice(dot + 1).toLowerCase()];
}

export function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}
