// Translated chat completion chunks → the Responses API's server-sent events, one chunk at a time:
// `response.created` and `response.in_progress` first; each output item (reasoning summary, text
// message, function call) opened with `output_item.added`, streamed as deltas and closed with its
// `…done` events when the next item starts or the stream ends; and the terminal event
// `response.completed` (`response.incomplete` after a length/content-filter stop,
// `response.failed` after an error) carrying the whole response with its usage.
// https://platform.openai.com/docs/api-reference/responses-streaming
import type { OpenAiStreamEvent } from '../openai-chat-response.js';
import type { ChatCompletionUsage, OpenAiFinishReason } from '../openai-chat-response.js';
import { signaturesToEncryptedContent, thinkingBlocksToEncryptedContent } from './reasoning-carrier.js';
import { emptyResponse, statusOf, toResponsesUsage, type FunctionCallItem, type MessageItem, type OutputItem, type ReasoningItem, type ResponseHeader, type ResponseObject } from './responses-shapes.js';

export interface ResponsesStreamEncoder {
  /** `response.created` and `response.in_progress`. */
  open(): string;
  /** The events for a batch of translated chat stream events. */
  events(events: readonly OpenAiStreamEvent[]): string;
  /** Closes what is open and sends the terminal event. */
  close(): string;
}

type Open =
  | { kind: 'reasoning'; outputIndex: number; item: ReasoningItem; text: string; partOpen: boolean; signatures?: Record<string, string> }
  | { kind: 'message'; outputIndex: number; item: MessageItem; text: string }
  | { kind: 'function_call'; outputIndex: number; item: FunctionCallItem };

export function createResponsesStreamEncoder(header: ResponseHeader, generateId: () => string): ResponsesStreamEncoder {
  let sequence = 0;
  const output: OutputItem[] = [];
  const calls = new Map<number, Open & { kind: 'function_call' }>();
  let current: Open | null = null;
  let finishReason: OpenAiFinishReason | null = null;
  let usage: ChatCompletionUsage | null = null;
  let error: { code: string; message: string } | null = null;
  let text = '';

  const send = (type: string, fields: Record<string, unknown>) => {
    text += `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`;
  };
  const snapshot = (): ResponseObject => ({ ...emptyResponse(header), output: structuredClone(output) });

  const closeCurrent = () => {
    const open = current;
    current = null;
    if (!open) return;
    const base = { item_id: open.item.id, output_index: open.outputIndex };
    if (open.kind === 'reasoning') {
      if (open.partOpen) {
        send('response.reasoning_summary_text.done', { ...base, summary_index: 0, text: open.text });
        send('response.reasoning_summary_part.done', { ...base, summary_index: 0, part: { type: 'summary_text', text: open.text } });
        open.item.summary = [{ type: 'summary_text', text: open.text }];
      }
    } else if (open.kind === 'message') {
      const part = { type: 'output_text' as const, text: open.text, annotations: [] as [] };
      send('response.output_text.done', { ...base, content_index: 0, text: open.text, logprobs: [] });
      send('response.content_part.done', { ...base, content_index: 0, part });
      open.item.content = [part];
      open.item.status = 'completed';
    } else {
      send('response.function_call_arguments.done', { ...base, arguments: open.item.arguments });
      open.item.status = 'completed';
    }
    output[open.outputIndex] = open.item;
    send('response.output_item.done', { output_index: open.outputIndex, item: open.item });
  };

  const openItem = <T extends Open>(open: T): T => {
    closeCurrent();
    current = open;
    output.push(open.item);
    send('response.output_item.added', { output_index: open.outputIndex, item: structuredClone(open.item) });
    return open;
  };

  const reasoning = (): Open & { kind: 'reasoning' } => (current?.kind === 'reasoning' ? current : openItem<Open & { kind: 'reasoning' }>({ kind: 'reasoning', outputIndex: output.length, item: { id: `rs_${generateId()}`, type: 'reasoning', summary: [] }, text: '', partOpen: false }));
  const message = (): Open & { kind: 'message' } => {
    if (current?.kind === 'message') return current;
    const open = openItem<Open & { kind: 'message' }>({ kind: 'message', outputIndex: output.length, item: { id: `msg_${generateId()}`, type: 'message', status: 'in_progress', role: 'assistant', content: [] }, text: '' });
    send('response.content_part.added', { item_id: open.item.id, output_index: open.outputIndex, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
    return open;
  };

  const openCall = (callId: string, name: string, signature: string | undefined): Open & { kind: 'function_call' } => {
    // A Gemini thought signature goes out in the reasoning item before the call (the open one, or a new one).
    if (signature !== undefined) {
      const carrier = reasoning();
      carrier.signatures = { ...carrier.signatures, [callId]: signature };
      carrier.item.encrypted_content = signaturesToEncryptedContent(carrier.signatures);
    }
    return openItem<Open & { kind: 'function_call' }>({ kind: 'function_call', outputIndex: output.length, item: { id: `fc_${generateId()}`, type: 'function_call', status: 'in_progress', call_id: callId, name, arguments: '' } });
  };
  return {
    open() {
      send('response.created', { response: snapshot() });
      send('response.in_progress', { response: snapshot() });
      const opened = text;
      text = '';
      return opened;
    },
    events(events) {
      for (const event of events) {
        if (event === '[DONE]') continue;
        if ('error' in event) {
          error = { code: event.error.code ?? event.error.type, message: event.error.message };
          continue;
        }
        if (event.usage) usage = event.usage;
        const choice = event.choices[0];
        if (!choice) continue;
        const delta = choice.delta;
        if (delta.reasoning_content !== undefined && delta.reasoning_content !== '') {
          const open = reasoning();
          if (!open.partOpen) {
            open.partOpen = true;
            send('response.reasoning_summary_part.added', { item_id: open.item.id, output_index: open.outputIndex, summary_index: 0, part: { type: 'summary_text', text: '' } });
          }
          open.text += delta.reasoning_content;
          send('response.reasoning_summary_text.delta', { item_id: open.item.id, output_index: open.outputIndex, summary_index: 0, delta: delta.reasoning_content });
        }
        if (delta.thinking_blocks !== undefined && delta.thinking_blocks.length > 0) {
          reasoning().item.encrypted_content = thinkingBlocksToEncryptedContent(delta.thinking_blocks);
        }
        if (delta.content !== undefined && delta.content !== '') {
          const open = message();
          open.text += delta.content;
          send('response.output_text.delta', { item_id: open.item.id, output_index: open.outputIndex, content_index: 0, delta: delta.content, logprobs: [] });
        }
        for (const call of delta.tool_calls ?? []) {
          const open = calls.get(call.index) ?? openCall(call.id ?? `call_${generateId()}`, call.function.name ?? '', call.extra_content?.google.thought_signature);
          calls.set(call.index, open);
          if (call.function.arguments !== '') {
            open.item.arguments += call.function.arguments;
            send('response.function_call_arguments.delta', { item_id: open.item.id, output_index: open.outputIndex, delta: call.function.arguments });
          }
        }
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
      const encoded = text;
      text = '';
      return encoded;
    },
    close() {
      closeCurrent();
      const response: ResponseObject = { ...snapshot(), usage: toResponsesUsage(usage) };
      if (error) {
        send('response.failed', { response: { ...response, status: 'failed', error } });
      } else {
        const status = statusOf(finishReason);
        send(status.status === 'completed' ? 'response.completed' : 'response.incomplete', { response: { ...response, ...status } });
      }
      const closed = text;
      text = '';
      return closed;
    },
  };
}
