// Which HTTP calls are Anthropic Messages chat calls, whether they stream, and which model they name.
// Anthropic: POST /v1/messages. Anthropic-compatible vendors (Moonshot, DeepSeek...) mount the same
// API under an `/anthropic/` prefix, e.g. /anthropic/v1/messages.
// Not chat: /v1/messages/count_tokens and /v1/messages/batches (they end in another segment).
import { asObject, asString } from '../shared/read-json.js';

const MESSAGES_PATH = /\/v1\/messages\/?$/;
const ANTHROPIC_PREFIXED_MESSAGES_PATH = /\/anthropic\/(?:[^?#]*\/)?messages\/?$/;

export function matchesPath(method: string, path: string): boolean {
  if (method.toUpperCase() !== 'POST') return false;
  return MESSAGES_PATH.test(path) || ANTHROPIC_PREFIXED_MESSAGES_PATH.test(path);
}

export function isStreamRequest(_path: string, body: unknown): boolean {
  return asObject(body).stream === true;
}

export function modelOf(_path: string, body: unknown): string | undefined {
  return asString(asObject(body).model);
}
