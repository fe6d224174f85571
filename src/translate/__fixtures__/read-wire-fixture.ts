// Test helper: the recorded provider fixtures that live beside each wire format.
import { readFileSync } from 'node:fs';
import { decodeSseText } from '../../sse/decode-sse.js';
import type { SseEvent } from '../../wire/wire-format.js';

const ROOT = new URL('../../wire/', import.meta.url);

export function wireFixtureJson(format: string, name: string): unknown {
  return JSON.parse(readFileSync(new URL(`${format}/__fixtures__/${name}`, ROOT), 'utf8'));
}

export function wireFixtureEvents(format: string, name: string): SseEvent[] {
  return decodeSseText(readFileSync(new URL(`${format}/__fixtures__/${name}`, ROOT), 'utf8'));
}
