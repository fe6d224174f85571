// What a streamed answer says as it arrives, in provider-neutral words (vercel/ai's
// LanguageModelV2StreamPart, reduced to what the OpenAI-compatible entry re-encodes). Each wire
// format's stream assembler (wire/<format>/assemble-stream.ts) is the one interpreter of its
// provider's events: it reassembles the provider's response for the recording and, when given a
// listener, tells these parts on the way. `choice` is the candidate / choice index (Gemini and
// OpenAI can stream several); `index` numbers a choice's tool calls in order.
import type { FinishReason, ReasoningBlock } from './model.js';

export type StreamPart =
  | { type: 'response-start'; id?: string; model?: string }
  /** `newRun`: this text starts a run after other blocks (assistantText joins runs with a blank line). */
  | { type: 'text-delta'; choice: number; text: string; newRun?: true }
  | { type: 'reasoning-delta'; choice: number; text: string; newRun?: true }
  /** A reasoning block finished, with its signature (Anthropic thinking / redacted_thinking). */
  | { type: 'reasoning-block'; choice: number; block: ReasoningBlock }
  | { type: 'tool-call-start'; choice: number; index: number; id?: string; name: string; signature?: string }
  /** A piece of the call's arguments as JSON text; the pieces of one call concatenate to its arguments. */
  | { type: 'tool-call-delta'; choice: number; index: number; argumentsText: string }
  | { type: 'tool-call-end'; choice: number; index: number }
  | { type: 'finish'; choice: number; finishReason: FinishReason }
  /** An error event ended the stream; `raw` is the provider's error object, for an error body in another shape. */
  | { type: 'error'; error: { type: string; message: string }; raw: unknown };

export type StreamListener = (part: StreamPart) => void;
