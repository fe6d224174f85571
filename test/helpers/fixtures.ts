// Reads the recorded wire fixtures that live beside each wire format (src/wire/<format>/__fixtures__).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../src/wire/', import.meta.url));

export function fixtureText(format: string, name: string): string {
  return readFileSync(`${ROOT}${format}/__fixtures__/${name}`, 'utf8');
}

export function fixtureJson(format: string, name: string): unknown {
  return JSON.parse(fixtureText(format, name));
}
