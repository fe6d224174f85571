// Gemini 3's streamed function-call arguments (`toolConfig.functionCallingConfig.
// streamFunctionCallArguments`): one call arrives as several parts instead of one whole
// `functionCall`:
//   {functionCall: {name, willContinue: true}}                         opens the call (may carry id, thoughtSignature)
//   {functionCall: {partialArgs: [{jsonPath, stringValue|numberValue|boolValue|nullValue, willContinue?}], willContinue: true}}
//   {functionCall: {}}                                                  closes it (no willContinue)
// A PartialArg with `willContinue: true` is followed by more of the same string value. The
// assembler folds them into one `{functionCall: {name, args}}` part, which is what
// generateContent returns for the same call. https://cloud.google.com/vertex-ai/generative-ai/docs/multimodal/function-calling#streaming-arguments
import { asArray, asObject, asString, isObject, type JsonObject } from '../shared/read-json.js';
import { readField } from './read-field.js';

export interface OpenCall {
  /** The part in the assembled parts list: its `functionCall.args` grows as pieces arrive. */
  part: JsonObject;
  /** jsonPaths whose string value is still being streamed. */
  continuing: Set<string>;
}

/** The part opens a streamed call: a name and `willContinue: true`. */
export function opensStreamedCall(functionCall: JsonObject): boolean {
  return functionCall.willContinue === true && asString(functionCall.name) !== undefined;
}

/** The part continues or closes an open call: no name of its own. */
export function continuesStreamedCall(functionCall: JsonObject): boolean {
  return asString(functionCall.name) === undefined;
}

export function openStreamedCall(part: JsonObject): OpenCall {
  const functionCall = asObject(readField(part, 'functionCall'));
  const { willContinue: _willContinue, partialArgs: _partialArgs, ...call } = functionCall;
  const opened: JsonObject = { ...part, functionCall: { ...call, args: isObject(call.args) ? { ...call.args } : {} } };
  delete opened.function_call;
  const open: OpenCall = { part: opened, continuing: new Set() };
  applyPartialArgs(open, readField(functionCall, 'partialArgs'));
  return open;
}

/** Applies a continuing part; true when it closed the call. */
export function continueStreamedCall(open: OpenCall, part: JsonObject): boolean {
  const functionCall = asObject(readField(part, 'functionCall'));
  applyPartialArgs(open, readField(functionCall, 'partialArgs'));
  const signature = readField(part, 'thoughtSignature');
  if (signature !== undefined && readField(open.part, 'thoughtSignature') === undefined) open.part.thoughtSignature = signature;
  return functionCall.willContinue !== true;
}

function applyPartialArgs(open: OpenCall, partialArgs: unknown): void {
  const args = asObject(open.part.functionCall).args as JsonObject;
  for (const raw of asArray(partialArgs)) {
    const partial = asObject(raw);
    const path = asString(readField(partial, 'jsonPath'));
    if (path === undefined) continue;
    const steps = parseJsonPath(path);
    if (steps === null || steps.length === 0) continue;
    const stringValue = asString(readField(partial, 'stringValue'));
    let value: unknown;
    if (stringValue !== undefined) {
      const previous = open.continuing.has(path) ? readPath(args, steps) : undefined;
      value = typeof previous === 'string' ? previous + stringValue : stringValue;
    } else if (readField(partial, 'numberValue') !== undefined) value = readField(partial, 'numberValue');
    else if (readField(partial, 'boolValue') !== undefined) value = readField(partial, 'boolValue');
    else if (readField(partial, 'nullValue') !== undefined) value = null;
    else continue;
    writePath(args, steps, value);
    if (readField(partial, 'willContinue') === true) open.continuing.add(path);
    else open.continuing.delete(path);
  }
}

type Step = string | number;

/** `$.a.b[0]["c d"]` → ['a', 'b', 0, 'c d']; null when it is not that simple form. */
export function parseJsonPath(path: string): Step[] | null {
  if (!path.startsWith('$')) return null;
  const steps: Step[] = [];
  const pattern = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[(?:'([^']*)'|"([^"]*)")\]/gy;
  pattern.lastIndex = 1;
  while (pattern.lastIndex < path.length) {
    const match = pattern.exec(path);
    if (match === null) return null;
    if (match[2] !== undefined) steps.push(Number(match[2]));
    else steps.push(match[1] ?? match[3] ?? match[4] ?? '');
  }
  return steps;
}

function readPath(root: JsonObject, steps: readonly Step[]): unknown {
  let node: unknown = root;
  for (const step of steps) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node;
}

function writePath(root: JsonObject, steps: readonly Step[], value: unknown): void {
  let node: Record<string | number, unknown> = root;
  steps.forEach((step, index) => {
    if (index === steps.length - 1) {
      node[step] = value;
      return;
    }
    const nextIsIndex = typeof steps[index + 1] === 'number';
    const existing = node[step];
    if (typeof existing !== 'object' || existing === null) node[step] = nextIsIndex ? [] : {};
    node = node[step] as Record<string | number, unknown>;
  });
}
