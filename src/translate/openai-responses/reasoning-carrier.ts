// Signed reasoning the provider needs back, carried through a Responses client in the field made
// for it, which the client returns verbatim: the reasoning item's `encrypted_content` (as Codex
// returns it with `include: ["reasoning.encrypted_content"]`) holds Anthropic's thinking blocks, or
// the Gemini thought signatures of the function calls after it, by call id. Call ids stay the plain
// ids. Prefixes mark ours, so OpenAI's own encrypted reasoning is never mistaken for it.
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

const SIGNATURES_PREFIX = 'llm-proxy.thought-signatures.v1:';

/** Gemini thought signatures by call id, as a reasoning item's `encrypted_content`. */
export function signaturesToEncryptedContent(signatures: Readonly<Record<string, string>>): string {
  return SIGNATURES_PREFIX + Buffer.from(JSON.stringify(signatures), 'utf8').toString('base64url');
}

/** The thought signatures by call id that `encrypted_content` carries, or undefined when it is not ours. */
export function encryptedContentToSignatures(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'string' || !value.startsWith(SIGNATURES_PREFIX)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value.slice(SIGNATURES_PREFIX.length), 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const entries = Object.entries(parsed as Record<string, unknown>);
    return entries.every(([, signature]) => typeof signature === 'string') ? Object.fromEntries(entries as Array<[string, string]>) : undefined;
  } catch {
    return undefined;
  }
}

/** Call ids handed out by earlier versions carried the signature after this mark; still read. */
const SIGNATURE_MARK = '.llm-proxy-ts.';

/** The call id and thought signature a `call_id` carries. */
export function splitCallId(callId: string): { id: string; signature?: string } {
  const at = callId.indexOf(SIGNATURE_MARK);
  if (at === -1) return { id: callId };
  return { id: callId.slice(0, at), signature: Buffer.from(callId.slice(at + SIGNATURE_MARK.length), 'base64url').toString('utf8') };
}
