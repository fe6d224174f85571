// A reviewer's edit as a preference pair (chosen = the edit, rejected = the original answer), in
// the two formats trainers accept:
//   LLaMA-Factory ranking (formats.md 1.1, 1.9): a ShareGPT row whose `conversations` is the prompt
//     (an odd count, ending with human/observation) plus `chosen` and `rejected`, one turn object
//     each; dataset_info.json marks it `"ranking": true` and maps both columns.
//   OpenAI preference fine-tuning (DPO, https://platform.openai.com/docs/guides/direct-preference-optimization):
//     {"input": {"messages", "tools"?}, "preferred_output": [assistant], "non_preferred_output": [assistant]}.
// A pair needs the same prompt on both sides: an edit that changed an earlier turn gives no pair
// (the rejected answer was written for another prompt). Pure; both rows are repaired ShareGPT rows.
import { shareGptToConversation } from './sharegpt-to-conversation.js';
import type { ShareGptRow, ShareGptTurn } from './sharegpt-types.js';
import { openAiMessagesToFineTuning, type OpenAiFtMessage } from './to-openai-ft.js';
import { conversationToOpenAiMessages } from './to-openai-messages.js';
import type { OpenAiTool } from './tool-schemas.js';

export interface ShareGptRankingRow {
  conversations: ShareGptTurn[];
  chosen: ShareGptTurn;
  rejected: ShareGptTurn;
  system: string;
  tools: string;
  images: string[];
}

export interface OpenAiPreferenceRow {
  input: { messages: OpenAiFtMessage[]; tools?: OpenAiTool[] };
  preferred_output: OpenAiFtMessage[];
  non_preferred_output: OpenAiFtMessage[];
}

export const PREFERENCE_REASONS = {
  'edit-not-final-answer': 'the edit changed an earlier turn, not only the final answer: chosen and rejected would answer different prompts',
  'edit-same-answer': 'the edited final answer equals the original: there is no preference to learn',
  'no-final-answer': "a row does not end with the model's answer (gpt or function_call)",
} as const;

export type PreferenceReasonCode = keyof typeof PREFERENCE_REASONS;

export type PreferencePair =
  | { ok: true; ranking: ShareGptRankingRow; openai: OpenAiPreferenceRow }
  | { ok: false; code: PreferenceReasonCode; message: string };

const isAnswer = (turn: ShareGptTurn | undefined): turn is ShareGptTurn => turn?.from === 'gpt' || turn?.from === 'function_call';

export function preferencePairOf(original: ShareGptRow, edited: ShareGptRow): PreferencePair {
  const chosen = edited.conversations[edited.conversations.length - 1];
  const rejected = original.conversations[original.conversations.length - 1];
  if (!isAnswer(chosen) || !isAnswer(rejected)) {
    return { ok: false, code: 'no-final-answer', message: `the ${isAnswer(chosen) ? 'original' : 'edited'} row ends with ${(isAnswer(chosen) ? rejected : chosen)?.from ?? 'nothing'}` };
  }
  const prompt = edited.conversations.slice(0, -1);
  const originalPrompt = original.conversations.slice(0, -1);
  const samePrompt =
    prompt.length === originalPrompt.length &&
    prompt.every((turn, index) => turn.from === originalPrompt[index]!.from && turn.value === originalPrompt[index]!.value) &&
    edited.system === original.system;
  if (!samePrompt) {
    const changed = prompt.findIndex((turn, index) => turn.value !== originalPrompt[index]?.value || turn.from !== originalPrompt[index]?.from);
    return { ok: false, code: 'edit-not-final-answer', message: changed === -1 ? 'the system prompt or the turn count changed' : `turn ${changed + 1} was edited` };
  }
  if (chosen.from === rejected.from && chosen.value === rejected.value) {
    return { ok: false, code: 'edit-same-answer', message: 'the final answer is unchanged' };
  }
  const ranking: ShareGptRankingRow = {
    conversations: prompt,
    chosen: { ...chosen },
    rejected: { ...rejected },
    system: edited.system,
    tools: edited.tools,
    images: edited.images,
  };
  const preferred = openAiFtOf(edited);
  const nonPreferred = openAiFtOf({ ...original, tools: edited.tools });
  const input: OpenAiPreferenceRow['input'] = { messages: preferred.messages.slice(0, -1) };
  if (preferred.tools !== undefined) input.tools = preferred.tools;
  return {
    ok: true,
    ranking,
    openai: { input, preferred_output: preferred.messages.slice(-1), non_preferred_output: nonPreferred.messages.slice(-1) },
  };
}

function openAiFtOf(row: ShareGptRow): { messages: OpenAiFtMessage[]; tools?: OpenAiTool[] } {
  return openAiMessagesToFineTuning(conversationToOpenAiMessages(shareGptToConversation(row)).row);
}

/** A LLaMA-Factory KTO row (formats.md 1.1 `kto_tag`): the ShareGPT row plus a JSON boolean. */
export type ShareGptKtoRow = ShareGptRow & { kto_tag: boolean };

export function ktoRowOf(row: ShareGptRow, desirable: boolean): ShareGptKtoRow {
  return { ...row, kto_tag: desirable };
}
