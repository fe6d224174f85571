// A Responses API request body → the canonical request conversation.
//   - `instructions`, and `system` / `developer` messages in `input`, become `system` ("\n\n").
//   - `input` is a string (one user message) or a list of items. Assistant-side items that follow
//     each other (`reasoning`, assistant `message`, `function_call`) form ONE assistant message:
//     that is one earlier response's output echoed back, so it reads like responseToModel read it
//     (reasoning summaries joined with "\n\n", calls in order = parallel calls).
//   - Consecutive `function_call_output` items form one ToolMessage.
//   - Built-in tool items (web_search_call...), item references and built-in tools are dropped with
//     a warning: they carry nothing a trainer can replay.
// Shapes: https://platform.openai.com/docs/api-reference/responses/create
import type {
  AssistantMessage,
  Message,
  RequestConversation,
  ToolResult,
  ToolSchema,
} from '../../conversation/model.js';
import { asArray, asObject, asString, isObject, type JsonObject } from '../shared/read-json.js';
import { readFunctionCall } from './read-function-call.js';
import { mergeAdjacentText } from '../shared/assistant-text.js';
import { readContentParts, readContentText } from './read-content.js';
import { reasoningTexts } from './read-reasoning.js';

export function readTools(body: JsonObject, warnings: string[]): ToolSchema[] {
  const tools: ToolSchema[] = [];
  for (const [position, raw] of asArray(body.tools).entries()) {
    const tool = asObject(raw);
    const type = asString(tool.type);
    // Codex groups MCP and dynamic tools in a namespace (codex-rs tools/src/tool_spec.rs:
    // `{type: "namespace", name, description, tools: [{type: "function", name, ...}]}`); the model
    // calls each member by its own name, so the members are the row's tools.
    if (type === 'namespace') {
      for (const [inner, member] of asArray(tool.tools).entries()) readFunctionTool(asObject(member), `tools[${position}].tools[${inner}]`, tools, warnings);
      continue;
    }
    readFunctionTool(tool, `tools[${position}]`, tools, warnings);
  }
  return tools;
}

function readFunctionTool(tool: JsonObject, where: string, tools: ToolSchema[], warnings: string[]): void {
  const type = asString(tool.type);
  if (type !== 'function') {
    warnings.push(`${where}: built-in tool "${type ?? 'unknown'}" dropped (not a function tool)`);
    return;
  }
  const name = asString(tool.name);
  if (!name) {
    warnings.push(`${where}: function tool without a name dropped`);
    return;
  }
  const schema: ToolSchema = {
    name,
    parameters: isObject(tool.parameters) ? tool.parameters : { type: 'object', properties: {} },
  };
  const description = asString(tool.description);
  if (description !== undefined) schema.description = description;
  tools.push(schema);
}

class ConversationBuilder {
  readonly messages: Message[] = [];
  readonly system: string[] = [];
  readonly warnings: string[] = [];

  /** The assistant message in progress (the last message), or a new one. */
  assistant(): AssistantMessage {
    const last = this.messages[this.messages.length - 1];
    if (last?.role === 'assistant') return last;
    const message: AssistantMessage = { role: 'assistant', parts: [], toolCalls: [] };
    this.messages.push(message);
    return message;
  }

  toolResult(result: ToolResult): void {
    const last = this.messages[this.messages.length - 1];
    if (last?.role === 'tool') last.results.push(result);
    else this.messages.push({ role: 'tool', results: [result], parts: [] });
  }

  item(raw: unknown, where: string): void {
    const item = asObject(raw);
    const type = asString(item.type) ?? (item.role !== undefined ? 'message' : undefined);
    switch (type) {
      case 'message':
        this.message(item, where);
        return;
      case 'function_call': {
        const call = readFunctionCall(item);
        if (call) this.assistant().toolCalls.push(call);
        else this.warnings.push(`${where}: function_call without a name dropped`);
        return;
      }
      case 'function_call_output': {
        const read = readContentText(item.output, where);
        this.warnings.push(...read.warnings);
        const result: ToolResult = { content: read.text };
        const callId = asString(item.call_id);
        if (callId !== undefined) result.callId = callId;
        this.toolResult(result);
        return;
      }
      case 'reasoning': {
        const texts = reasoningTexts(item);
        // An encrypted-only reasoning item still opens the assistant turn it belongs to.
        const assistant = this.assistant();
        if (texts.length > 0) {
          assistant.reasoning = [assistant.reasoning, ...texts].filter((text) => text).join('\n\n');
        }
        return;
      }
      default:
        this.warnings.push(`${where}: item of type "${type ?? 'unknown'}" dropped`);
    }
  }

  private message(item: JsonObject, where: string): void {
    const role = asString(item.role);
    if (role === 'system' || role === 'developer') {
      const read = readContentText(item.content, where);
      this.warnings.push(...read.warnings);
      if (read.text !== '') this.system.push(read.text);
      return;
    }
    const read = readContentParts(item.content, where);
    this.warnings.push(...read.warnings);
    if (role === 'user') this.messages.push({ role: 'user', parts: read.parts });
    else if (role === 'assistant') this.assistant().parts.push(...mergeAdjacentText(read.parts));
    else this.warnings.push(`${where}: message with role "${role ?? 'missing'}" dropped`);
  }
}

export function requestToConversation(body: unknown): RequestConversation {
  const request = asObject(body);
  const builder = new ConversationBuilder();
  const instructions = asString(request.instructions);
  if (instructions !== undefined && instructions !== '') builder.system.push(instructions);

  if (typeof request.input === 'string') {
    builder.messages.push({
      role: 'user',
      parts: request.input === '' ? [] : [{ type: 'text', text: request.input }],
    });
  } else {
    for (const [position, item] of asArray(request.input).entries()) builder.item(item, `input[${position}]`);
  }

  const conversation: RequestConversation = {
    stream: request.stream === true,
    system: builder.system.join('\n\n'),
    tools: readTools(request, builder.warnings),
    messages: builder.messages,
    warnings: builder.warnings,
  };
  const model = asString(request.model);
  return model === undefined ? conversation : { model, ...conversation };
}
