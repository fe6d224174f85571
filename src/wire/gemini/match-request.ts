// Which HTTP calls are Gemini generateContent calls, whether they stream, and which model they name.
// https://ai.google.dev/api/generate-content
//   POST /v1beta/models/{model}:generateContent
//   POST /v1beta/models/{model}:streamGenerateContent   (?alt=sse for SSE, else a streamed JSON array)
//   POST /v1beta/tunedModels/{name}:generateContent
// Also /v1 and /v1alpha, and Vertex AI's /v1/projects/{p}/locations/{l}/publishers/google/models/{m}.
import { asObject, asString } from '../shared/read-json.js';

const GENERATE_PATH =
  /\/v1(?:beta\d*|alpha\d*)?\/(?:[^:]*\/)?(models|tunedModels)\/([^/:]+):(generateContent|streamGenerateContent)\/?$/;

export function matchesPath(method: string, path: string): boolean {
  return method.toUpperCase() === 'POST' && GENERATE_PATH.test(path);
}

export function isStreamRequest(path: string, _body: unknown): boolean {
  return path.includes(':streamGenerateContent');
}

/** `gemini-2.5-flash` for models/…; `tunedModels/{name}` for tuned models (not a base model id). */
export function modelOf(path: string, body: unknown): string | undefined {
  const match = GENERATE_PATH.exec(path);
  if (match?.[2] !== undefined) {
    const name = decodeURIComponent(match[2]);
    return match[1] === 'tunedModels' ? `tunedModels/${name}` : name;
  }
  const model = asString(asObject(body).model);
  return model?.startsWith('models/') ? model.slice('models/'.length) : model;
}
