// Reassembles a Responses API event stream into the NON-streaming response object, the way
// openai-node's ResponseAccumulator does, but loosely (odd or missing events never throw):
//   - response.created / in_progress / queued give the response snapshot;
//   - output_item.added / .done set an item by `output_index` (`.done` carries the full item);
//   - content_part, output_text, refusal, function_call_arguments, reasoning_summary_part,
//     reasoning_summary_text and reasoning_text events fill the item in place (deltas appended,
//     `.done` texts replace);
//   - response.completed / incomplete / failed carry the full final response: it is preferred,
//     and complete is true. When its `output` is missing or empty while items arrived (some
//     gateways strip it), the assembled items are put in;
//   - an `error` event is reported as `error`; without a terminal event it is also kept on the
//     built response so responseToModel sees it;
//   - without a terminal event the response is the last snapshot plus the items seen, complete false.
// The event type is read from the data's `type`, else the SSE `event:` field.
// Spec: https://platform.openai.com/docs/api-reference/responses-streaming
import type { AssembledStream, SseEvent, StreamAssembler } from '../wire-format.js';
import { asArray, asNumber, asObject, asString, isObject, parseJsonObject, type JsonObject } from '../shared/read-json.js';
import { readError } from './response-to-model.js';

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);
const SNAPSHOT = new Set(['response.created', 'response.in_progress', 'response.queued']);

type ItemKind = 'message' | 'function_call' | 'reasoning';

function placeholder(kind: ItemKind, id: string | undefined): JsonObject {
  const item: JsonObject = id !== undefined ? { id, type: kind } : { type: kind };
  if (kind === 'message') Object.assign(item, { role: 'assistant', content: [] });
  else if (kind === 'function_call') item.arguments = '';
  else item.summary = [];
  return item;
}

/** The entry at `index` of `list[key]`, created as `fresh` when missing. */
function slot(item: JsonObject, key: string, index: number, fresh: () => JsonObject): JsonObject {
  if (!Array.isArray(item[key])) item[key] = [];
  const list = item[key] as unknown[];
  const existing = list[index];
  if (isObject(existing)) return existing;
  const created = fresh();
  list[index] = created;
  return created;
}

class ResponsesStreamAssembler implements StreamAssembler {
  private snapshot: JsonObject | undefined;
  private terminal: JsonObject | undefined;
  private readonly items = new Map<number, JsonObject>();
  private rawError: JsonObject | undefined;

  push(event: SseEvent): void {
    // `[DONE]` from a gateway, a torn last line: nothing to assemble.
    const parsed = parseJsonObject(event.data);
    if (!parsed) return;
    // A bare `{error:{...}}` body (gateways relaying an upstream failure) counts as an error event.
    const type = asString(parsed.type) ?? event.event ?? (isObject(parsed.error) ? 'error' : undefined);
    if (type === undefined) return;
    if (SNAPSHOT.has(type)) {
      if (isObject(parsed.response)) this.snapshot = parsed.response;
    } else if (TERMINAL.has(type)) {
      if (isObject(parsed.response)) this.terminal = parsed.response;
    } else if (type === 'error') {
      this.rawError = isObject(parsed.error)
        ? parsed.error
        : { code: parsed.code ?? null, message: parsed.message ?? '', param: parsed.param ?? null };
    } else {
      this.pushItemEvent(type, parsed);
    }
  }

  private pushItemEvent(type: string, event: JsonObject): void {
    switch (type) {
      case 'response.output_item.added':
      case 'response.output_item.done':
        if (isObject(event.item)) this.items.set(this.indexOf(event), event.item);
        return;
      case 'response.content_part.added':
      case 'response.content_part.done': {
        const part = asObject(event.part);
        const kind: ItemKind = part.type === 'reasoning_text' ? 'reasoning' : 'message';
        const item = this.itemFor(event, kind);
        if (!Array.isArray(item.content)) item.content = [];
        (item.content as unknown[])[asNumber(event.content_index) ?? 0] = part;
        return;
      }
      case 'response.output_text.delta':
      case 'response.output_text.done':
        this.appendText(event, 'message', 'content', 'content_index', 'output_text', 'text', type.endsWith('.done'));
        return;
      case 'response.refusal.delta':
      case 'response.refusal.done':
        this.appendText(event, 'message', 'content', 'content_index', 'refusal', 'refusal', type.endsWith('.done'));
        return;
      case 'response.reasoning_text.delta':
      case 'response.reasoning_text.done':
        this.appendText(event, 'reasoning', 'content', 'content_index', 'reasoning_text', 'text', type.endsWith('.done'));
        return;
      case 'response.reasoning_summary_part.added':
      case 'response.reasoning_summary_part.done': {
        const item = this.itemFor(event, 'reasoning');
        if (!Array.isArray(item.summary)) item.summary = [];
        (item.summary as unknown[])[asNumber(event.summary_index) ?? 0] = asObject(event.part);
        return;
      }
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_summary_text.done':
        this.appendText(event, 'reasoning', 'summary', 'summary_index', 'summary_text', 'text', type.endsWith('.done'));
        return;
      case 'response.function_call_arguments.delta': {
        const item = this.itemFor(event, 'function_call');
        item.arguments = (asString(item.arguments) ?? '') + (asString(event.delta) ?? '');
        return;
      }
      case 'response.function_call_arguments.done': {
        const item = this.itemFor(event, 'function_call');
        const done = asString(event.arguments);
        if (done !== undefined) item.arguments = done;
        return;
      }
      default:
      // Annotations, built-in tool progress, audio...: the terminal response carries their result.
    }
  }

  private appendText(
    event: JsonObject,
    kind: ItemKind,
    listKey: string,
    indexKey: string,
    partType: string,
    field: string,
    done: boolean,
  ): void {
    const item = this.itemFor(event, kind);
    const part = slot(item, listKey, asNumber(event[indexKey]) ?? 0, () => ({ type: partType, [field]: '' }));
    if (done) {
      const full = asString(event[field]);
      if (full !== undefined) part[field] = full;
    } else {
      part[field] = (asString(part[field]) ?? '') + (asString(event.delta) ?? '');
    }
  }

  private indexOf(event: JsonObject): number {
    const index = asNumber(event.output_index);
    if (index !== undefined) return index;
    const id = asString(event.item_id) ?? asString(asObject(event.item).id);
    for (const [key, item] of this.items) if (id !== undefined && item.id === id) return key;
    return this.items.size === 0 ? 0 : Math.max(...this.items.keys()) + 1;
  }

  /** The item an event targets; created when its output_item.added never came. */
  private itemFor(event: JsonObject, kind: ItemKind): JsonObject {
    const index = this.indexOf(event);
    const existing = this.items.get(index);
    if (existing) return existing;
    const item = placeholder(kind, asString(event.item_id));
    this.items.set(index, item);
    return item;
  }

  private itemsInOrder(): JsonObject[] {
    return [...this.items.entries()].sort(([a], [b]) => a - b).map(([, item]) => item);
  }

  finish(): AssembledStream {
    const error = this.rawError ? readError(this.rawError) : undefined;
    if (this.terminal) {
      const response: JsonObject = { ...this.terminal };
      if (asArray(response.output).length === 0 && this.items.size > 0) response.output = this.itemsInOrder();
      const failure =
        error ?? (response.status === 'failed' && isObject(response.error) ? readError(response.error) : undefined);
      return failure ? { response, complete: true, error: failure } : { response, complete: true };
    }
    if (!this.snapshot && this.items.size === 0 && this.rawError) {
      return { response: { error: this.rawError }, complete: false, ...(error ? { error } : {}) };
    }
    const response: JsonObject = { ...(this.snapshot ?? { object: 'response' }), output: this.itemsInOrder() };
    if (this.rawError) response.error = this.rawError;
    return error ? { response, complete: false, error } : { response, complete: false };
  }
}

export function createResponsesStreamAssembler(): StreamAssembler {
  return new ResponsesStreamAssembler();
}
