// Every change the export makes to a row before validating it, by a stable name (counted in the
// export report, listed per row in ExportedRow.repairs). The issue's "Quality control" list and
// formats.md sections 1.2-1.6, 1.8, 5.1-5.2 say what each one is for.

export const REPAIRS = {
  // --- row layout (formats.md 1.2)
  'columns-normalised': 'missing or mistyped system/tools/images columns filled with "", "" and [] (or a single image wrapped in a list)',
  'extra-keys-dropped': 'keys outside conversations/system/tools/images (or outside from/value in a turn) removed',
  'role-renamed': 'role/content keys or user/assistant/tool role names mapped to from/value and human/gpt/observation',
  'value-stringified': 'a turn value that was a list of parts or an object reduced to text / JSON text',
  'system-turn-moved': 'leading system turn(s) moved to the system column (formats.md 1.3-B, 5.1)',
  'leading-turns-dropped': 'model or observation turns before the first human turn dropped (formats.md 5.2 step 3)',
  // --- function calls (formats.md 1.4)
  'function-call-openai-wrapper': 'an OpenAI {id,type,function:{name,arguments}} call unwrapped to {name, arguments}',
  'function-call-anthropic-input': 'an Anthropic tool_use {name, input} call rewritten to {name, arguments}',
  'function-call-gemini-args': 'a Gemini functionCall {name, args} call rewritten to {name, arguments}',
  'function-call-parameters-renamed': 'a {name, parameters} call rewritten to {name, arguments}',
  'function-call-arguments-parsed': 'call arguments given as a JSON string parsed into the object (formats.md 1.4.4)',
  'function-call-arguments-added': 'a call without arguments (or with null) given arguments {}',
  'function-call-extra-keys-dropped': 'keys besides name/arguments (id, type) removed from a call',
  'parallel-calls-merged': 'parallel calls spread over several function_call turns or <tool_call> blocks merged into one turn',
  'text-merged-into-call': 'a gpt turn followed by a function_call turn merged into one turn (text kept before <tool_call>, formats.md 5.1)',
  // --- tool results (formats.md 1.5)
  'observations-merged': 'consecutive observation turns merged into one, joined by the tool_response separator',
  'observations-reordered': 'tool results put in the order of the calls they answer (matched by id, else by name, else position)',
  'observation-truncated': 'a tool result longer than --truncate-observation characters cut (marked)',
  'human-merged-into-observation': 'a human turn right after an observation appended to it (a human turn cannot follow one, formats.md 5.1)',
  // --- turns
  'same-role-merged': 'consecutive human or model turns merged (text joined with a blank line)',
  // --- reasoning (formats.md 1.8, 4)
  'reasoning-normalised': 'a <think> block rewritten to the canonical "<think>\\n…\\n</think>\\n\\n" prefix (or split out of the text)',
  'reasoning-double-wrap-removed': 'nested or repeated <think> blocks collapsed into one',
  'reasoning-dropped': 'reasoning removed (--reasoning drop)',
  'reasoning-filled-from-thread': "an earlier step's reasoning, not sent back by the client, taken from the thread's record that produced the step",
  // --- tools column (formats.md 1.6)
  'tools-normalised': 'tool schemas rewritten to a JSON string of {name, description, parameters} (wrappers, input_schema, upper-case types, enums, server tools)',
  'tools-derived': 'a minimal schema derived from the observed calls (--tools-schema derive, or auto for called tools nobody declared)',
  // --- OpenAI formats (formats.md 3, 7)
  'tool-call-ids-assigned': 'calls without an id (Gemini) given one, and their results the matching tool_call_id',
  'assistant-image-dropped': 'an image in an assistant message dropped (images only go in user messages)',
  // --- what a client injected for itself (issue 12 section 4)
  'billing-header-removed': "Claude Code's per-version x-anthropic-billing-header line removed from the system prompt (--keep-billing-header keeps it)",
} as const;

export type RepairName = keyof typeof REPAIRS;

/** Collects the repairs applied to one row: each name once, in first-applied order. */
export class RepairLog {
  readonly #names = new Set<RepairName>();

  add(name: RepairName): void {
    this.#names.add(name);
  }

  addAll(names: Iterable<RepairName>): void {
    for (const name of names) this.#names.add(name);
  }

  get names(): RepairName[] {
    return [...this.#names];
  }
}
