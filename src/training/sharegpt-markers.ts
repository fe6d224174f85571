// The literal words LLaMA-Factory gives meaning to inside ShareGPT values, with its defaults
// (formats.md 1.4, 1.5, 1.8). The converter writes them and the validator parses them: one source.

/** Thought words (formats.md 1.4.2, 1.8): the canonical reasoning prefix is OPEN + reasoning + CLOSE. */
export const THINK_OPEN = '<think>\n';
export const THINK_CLOSE = '\n</think>\n\n';
/** tool_call words (formats.md 1.4.1, LF >= 0.9.4): how text can sit next to calls. */
export const TOOL_CALL_OPEN = '<tool_call>';
export const TOOL_CALL_CLOSE = '</tool_call>';
/** How N parallel results share one observation (formats.md 1.5, LF's own OpenAI converter). */
export const TOOL_RESPONSE_SEPARATOR = '\n</tool_response>\n<tool_response>\n';
/** Counted by multimodal templates in every turn (formats.md 1.3-F). */
export const IMAGE_PLACEHOLDER = '<image>';
