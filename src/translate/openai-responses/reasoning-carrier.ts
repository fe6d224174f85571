// Anthropic's signed thinking blocks ride to a Responses client inside the reasoning item's
// `encrypted_content` (opaque to the client, which sends it back verbatim in the next turn's
// input, as Codex does with `include: ["reasoning.encrypted_content"]`). A prefix marks ours, so
// OpenAI's own encrypted reasoning is never mistaken for it.
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
