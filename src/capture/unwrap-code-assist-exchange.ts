// Code Assist exchanges (Gemini CLI signed in with Google) recorded as the Gemini exchange they
// wrap: the request body becomes `{model, …request}`, a JSON answer its `response`, each streamed
// chunk its `response` (wire/gemini/code-assist.ts holds the shapes). Runs when the exchange has
// ended, before the raw exchange leaves for the recording side; other exchanges pass untouched
// after one path test.
import { decodeSseText } from '../sse/decode-sse.js';
import { isCodeAssistPath, unwrapCodeAssistEvent, unwrapCodeAssistRequestBody, unwrapCodeAssistResponse } from '../wire/gemini/code-assist.js';
import { parseJsonLoosely } from '../wire/shared/read-json.js';
import type { RawExchange } from './process-exchange.js';

export function unwrapCodeAssistExchange(raw: RawExchange): RawExchange {
  const queryStart = raw.pathAndQuery.indexOf('?');
  const path = queryStart === -1 ? raw.pathAndQuery : raw.pathAndQuery.slice(0, queryStart);
  // Compressed bodies are left as they are (Gemini CLI sends none; process-exchange.ts decodes requests).
  if (!isCodeAssistPath(path) || raw.responseContentEncoding !== undefined || raw.requestContentEncoding !== undefined) return raw;
  const request = parseJsonLoosely(raw.requestBody.toString('utf8'));
  const responseText = Buffer.concat(raw.responseChunks).toString('utf8');
  let response: string;
  if (raw.responseContentType?.includes('text/event-stream') === true) {
    response = decodeSseText(responseText)
      .map((event) => `${event.event !== undefined ? `event: ${event.event}\n` : ''}data: ${unwrapCodeAssistEvent(event).data}\n\n`)
      .join('');
  } else {
    const answer = parseJsonLoosely(responseText);
    response = answer === undefined ? responseText : JSON.stringify(unwrapCodeAssistResponse(answer));
  }
  return {
    ...raw,
    requestBody: request === undefined ? raw.requestBody : Buffer.from(JSON.stringify(unwrapCodeAssistRequestBody(request)), 'utf8'),
    responseChunks: [Buffer.from(response, 'utf8')],
  };
}
