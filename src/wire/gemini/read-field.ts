// Gemini's REST API is proto3 JSON: it accepts both lowerCamelCase and snake_case field names
// (`inlineData` / `inline_data`). Requests written by hand or by the Python SDK use either, so
// every read goes through here.
import type { JsonObject } from '../shared/read-json.js';

const snakeCache = new Map<string, string>();

function toSnakeCase(camel: string): string {
  let snake = snakeCache.get(camel);
  if (snake === undefined) {
    snake = camel.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    snakeCache.set(camel, snake);
  }
  return snake;
}

/** The value under `camelKey`, or under its snake_case spelling. */
export function readField(object: JsonObject, camelKey: string): unknown {
  const value = object[camelKey];
  return value !== undefined ? value : object[toSnakeCase(camelKey)];
}
