// Signed reasoning the provider needs back, carried through a Responses client in fields the client
// returns verbatim: Anthropic's thinking blocks in the reasoning item's `encrypted_content` (as
// Codex returns it with `include: ["reasoning.encrypted_content"]`), Gemini's thought signature in
// the function call's `call_id` (which every client echoes, to pair the call with its output).
// Prefixes mark ours, so OpenAI's own encrypted reasoning is never mistaken for it.
import { thinkingBlockSchema, type ThinkingBlock } from '../openai-chat-request.js';

const PREFIX = 'llm-proxy.thinking-blocks.v1:';

export function thinkingBlocksToEncryptedContent(blocks: readonly ThinkingBlock[]): string {
  return PREFIX + Buffer.from(JSON.stringify(blocks), 'utf8').toString('base64url');
}

/** The thinking blocks carried by `encrypted_content`, or undefined when it is not ours. */
export function encryptedContentToThinkingBlocks(value: unknown): ThinkingBlock[] | undefined {
  if (typeof value !== 'string' || !value.startsWith(PREFIX)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value.slice(PREFIX.length), 'base64url').toString('utf8'));
    const blocks = Array.isArray(parsed) ? parsed.map((block) => thinkingBlockSchema.safeParse(block)) : [];
    return blocks.every((block) => block.success) ? blocks.map((block) => block.data) : undefined;
  } catch {
    return undefined;
  }
}

const SIGNATURE_MARK = '.llm-proxy-ts.';

/** `call_id` for a tool call: the call's id, plus Gemini's thought signature when it has one. */
export function callIdWithSignature(id: string, signature: string | undefined): string {
  return signature === undefined ? id : `${id}${SIGNATURE_MARK}${Buffer.from(signature, 'utf8').toString('base64url')}`;
}

/** The call id and thought signature a `call_id` carries. */
export function splitCallId(callId: string): { id: string; signature?: string } {
  const at = callId.indexOf(SIGNATURE_MARK);
  if (at === -1) return { id: callId };
  return { id: callId.slice(0, at), signature: Buffer.from(callId.slice(at + SIGNATURE_MARK.length), 'base64url').toString('utf8') };
}
