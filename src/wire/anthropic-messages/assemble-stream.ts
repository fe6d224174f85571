// Rebuilds the NON-streaming Message from Anthropic's server-sent events.
// https://docs.anthropic.com/en/docs/build-with-claude/streaming
// Order on the wire: message_start (the Message with empty content) · per block content_block_start,
// content_block_delta*, content_block_stop · message_delta (stop_reason, usage) · message_stop.
// `ping` is ignored; an `error` event ends the stream with AssembledStream.error.
//
// Decisions:
// - `input_json_delta` pieces are concatenated and parsed once the block is finished; JSON that
//   does not parse stays a raw string in `input` (response-to-model flags it and warns).
// - usage from message_start is merged with message_delta's usage (later non-null values win).
// - with a listener, each event is also told as canonical stream parts (conversation/stream-part.ts),
//   runs and finish reasons decided exactly as response-to-model reads the assembled Message;
// - an error before any content block: `response` is the error body itself
//   (`{type:'error', error}`), exactly what the non-streaming endpoint returns, so both read alike.
//   After content arrived, `response` keeps the partial Message and the error sits beside it.
import type { StreamListener } from '../../conversation/stream-part.js';
import type { AssembledStream, SseEvent, StreamAssembler } from '../wire-format.js';
import { mapFinishReason } from './map-finish-reason.js';
import { asNumber, asObject, asString, cloneJson, isObject, type JsonObject, parseJsonLoosely, stringifyJson } from '../shared/read-json.js';

interface BlockState {
  block: JsonObject;
  partialJson: string;
  /** The listener's view of the block: its tool-call index, or whether its text starts a new run. */
  toolIndex?: number;
  newRun?: boolean;
}

const TOOL_INPUT_BLOCKS = new Set(['tool_use', 'server_tool_use', 'mcp_tool_use']);

export function createStreamAssembler(listener?: StreamListener): StreamAssembler {
  let message: JsonObject | undefined;
  const blocks = new Map<number, BlockState>();
  let sawMessageStop = false;
  let errorBody: JsonObject | undefined;
  // What the listener needs to tell runs apart, exactly as assistant-content-to-message reads them.
  let previousBlockType: string | undefined;
  let textTold = false;
  let reasoningTold = false;
  let toolCalls = 0;

  function startBlock(index: number, block: JsonObject): void {
    const state: BlockState = { block, partialJson: '' };
    blocks.set(index, state);
    const type = asString(block.type);
    if (listener !== undefined) {
      if (type === 'text') state.newRun = textTold && previousBlockType !== 'text';
      else if (type === 'thinking') state.newRun = reasoningTold;
      else if (type === 'tool_use') {
        state.toolIndex = toolCalls++;
        const id = asString(block.id);
        listener({ type: 'tool-call-start', choice: 0, index: state.toolIndex, ...(id !== undefined ? { id } : {}), name: asString(block.name) ?? '' });
        // A start that already carries the whole input (no input_json_delta will follow).
        if (isObject(block.input) && Object.keys(block.input).length > 0) {
          listener({ type: 'tool-call-delta', choice: 0, index: state.toolIndex, argumentsText: stringifyJson(block.input) });
        }
      }
      if (type === 'text') tellText(state, asString(block.text) ?? '');
      else if (type === 'thinking') tellReasoning(state, asString(block.thinking) ?? '');
    }
    previousBlockType = type;
  }

  function tellText(state: BlockState, text: string): void {
    if (listener === undefined || text === '') return;
    listener({ type: 'text-delta', choice: 0, text, ...(state.newRun === true ? { newRun: true as const } : {}) });
    state.newRun = false;
    textTold = true;
  }

  function tellReasoning(state: BlockState, text: string): void {
    if (listener === undefined || text === '') return;
    listener({ type: 'reasoning-delta', choice: 0, text, ...(state.newRun === true ? { newRun: true as const } : {}) });
    state.newRun = false;
    reasoningTold = true;
  }

  function stopBlock(index: number): void {
    const state = blocks.get(index);
    if (listener === undefined || state === undefined) return;
    const block = state.block;
    if (block.type === 'thinking') {
      const signature = asString(block.signature);
      listener({ type: 'reasoning-block', choice: 0, block: { type: 'thinking', thinking: asString(block.thinking) ?? '', ...(signature !== undefined ? { signature } : {}) } });
    } else if (block.type === 'redacted_thinking') {
      listener({ type: 'reasoning-block', choice: 0, block: { type: 'redacted_thinking', data: asString(block.data) ?? '' } });
    } else if (state.toolIndex !== undefined) {
      listener({ type: 'tool-call-end', choice: 0, index: state.toolIndex });
    }
  }

  function blockAt(index: number, deltaType: string | undefined): BlockState {
    let state = blocks.get(index);
    if (state === undefined) {
      // A delta whose content_block_start was lost: infer the block from the delta.
      startBlock(index, emptyBlockFor(deltaType));
      state = blocks.get(index) as BlockState;
    }
    return state;
  }

  function applyDelta(data: JsonObject): void {
    const delta = asObject(data.delta);
    const deltaType = asString(delta.type);
    const state = blockAt(asNumber(data.index) ?? 0, deltaType);
    const block = state.block;
    switch (deltaType) {
      case 'text_delta':
        block.text = (asString(block.text) ?? '') + (asString(delta.text) ?? '');
        tellText(state, asString(delta.text) ?? '');
        break;
      case 'thinking_delta':
        block.thinking = (asString(block.thinking) ?? '') + (asString(delta.thinking) ?? '');
        tellReasoning(state, asString(delta.thinking) ?? '');
        break;
      case 'signature_delta':
        block.signature = (asString(block.signature) ?? '') + (asString(delta.signature) ?? '');
        break;
      case 'input_json_delta': {
        const piece = asString(delta.partial_json) ?? '';
        state.partialJson += piece;
        if (listener !== undefined && state.toolIndex !== undefined && piece !== '') {
          listener({ type: 'tool-call-delta', choice: 0, index: state.toolIndex, argumentsText: piece });
        }
        break;
      }
      case 'citations_delta':
        block.citations = [...(Array.isArray(block.citations) ? block.citations : []), delta.citation];
        break;
      default:
        break;
    }
  }

  function applyMessageDelta(data: JsonObject): void {
    message ??= emptyMessage();
    for (const [key, value] of Object.entries(asObject(data.delta))) message[key] = value;
    const usage: JsonObject = { ...asObject(message.usage) };
    for (const [key, value] of Object.entries(asObject(data.usage))) {
      if (value !== null && value !== undefined) usage[key] = value;
    }
    message.usage = usage;
    const stopReason = asString(asObject(data.delta).stop_reason);
    if (listener !== undefined && stopReason !== undefined) listener({ type: 'finish', choice: 0, finishReason: mapFinishReason(stopReason) });
    // Top-level extras such as `context_management` belong on the Message too.
    for (const [key, value] of Object.entries(data)) {
      if (key !== 'type' && key !== 'delta' && key !== 'usage') message[key] = value;
    }
  }

  return {
    push(event: SseEvent): void {
      const data = parseJsonLoosely(event.data);
      if (!isObject(data)) return;
      switch (asString(data.type) ?? event.event) {
        case 'message_start':
          // A repeated message_start would reset nothing useful: keep the first.
          if (message === undefined) {
            const start = asObject(data.message);
            message = { ...start, usage: { ...asObject(start.usage) } };
            const id = asString(start.id);
            const model = asString(start.model);
            listener?.({ type: 'response-start', ...(id !== undefined ? { id } : {}), ...(model !== undefined ? { model } : {}) });
          }
          break;
        case 'content_block_start':
          startBlock(asNumber(data.index) ?? blocks.size, { ...asObject(data.content_block) });
          break;
        case 'content_block_stop':
          stopBlock(asNumber(data.index) ?? 0);
          break;
        case 'content_block_delta':
          applyDelta(data);
          break;
        case 'message_delta':
          applyMessageDelta(data);
          break;
        case 'message_stop':
          sawMessageStop = true;
          break;
        case 'error':
          errorBody = data;
          listener?.({ type: 'error', error: readError(data), raw: data.error });
          break;
        default:
          // ping, events added later.
          break;
      }
    },

    finish(): AssembledStream {
      const error = errorBody === undefined ? undefined : readError(errorBody);
      if (errorBody !== undefined && blocks.size === 0) {
        return { response: cloneJson(errorBody), complete: false, ...(error ? { error } : {}) };
      }
      const content = [...blocks.entries()]
        .sort(([a], [b]) => a - b)
        .map(([, state]) => finishBlock(state));
      const response = { ...cloneJson(message ?? emptyMessage()), content };
      return {
        response,
        complete: sawMessageStop && errorBody === undefined,
        ...(error ? { error } : {}),
      };
    },
  };
}

function finishBlock(state: BlockState): JsonObject {
  const block = cloneJson(state.block);
  if (TOOL_INPUT_BLOCKS.has(asString(block.type) ?? '') && state.partialJson.trim() !== '') {
    // Parsed keeping long integers (read-json.ts); JSON that does not parse stays the raw string.
    block.input = parseJsonLoosely(state.partialJson) ?? state.partialJson;
  } else if (TOOL_INPUT_BLOCKS.has(asString(block.type) ?? '') && !isObject(block.input)) {
    block.input = {};
  }
  return block;
}

function readError(body: JsonObject): { type: string; message: string } {
  const error = asObject(body.error);
  return { type: asString(error.type) ?? 'error', message: asString(error.message) ?? '' };
}

function emptyMessage(): JsonObject {
  return {
    type: 'message',
    role: 'assistant',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: {},
  };
}

function emptyBlockFor(deltaType: string | undefined): JsonObject {
  switch (deltaType) {
    case 'thinking_delta':
    case 'signature_delta':
      return { type: 'thinking', thinking: '', signature: '' };
    case 'input_json_delta':
      return { type: 'tool_use', input: {} };
    default:
      return { type: 'text', text: '' };
  }
}

