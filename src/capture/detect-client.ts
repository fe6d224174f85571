// Which program sent a request, from the headers it sent: a coding agent (Claude Code, Codex,
// Gemini CLI, opencode) before the SDK it is built on, then the official SDKs. Pure.
//   claude-cli/2.1.197 (external, cli)                      → claude-code 2.1.197
//   codex_exec/0.171.0 (Ubuntu 24.4.0; x86_64) xterm        → codex 0.171.0   (also codex_cli_rs/…, `originator`)
//   GeminiCLI/0.61.0 (linux; x64)                           → gemini-cli 0.61.0
//   opencode/1.18.33 ai-sdk/provider-utils/3.0.9 …          → opencode 1.18.33
//   OpenAI/JS 6.3.0, OpenAI/Python 2.1.0                    → openai-js / openai-python
//   Anthropic/JS 0.68.0, Anthropic/Python 0.69.0            → anthropic-js / anthropic-python
//   x-goog-api-client: google-genai-sdk/1.30.0 gl-node/v20  → google-genai-js (gl-python: google-genai-python)
//   ai-sdk/openai/2.0.1 (the Vercel AI SDK alone)           → ai-sdk

export interface ClientInfo {
  /** A stable id: claude-code, codex, gemini-cli, opencode, openai-js, anthropic-python, ... */
  name: string;
  /** The version the client gave; null when it gave none. */
  version: string | null;
}

/** The request headers the detection reads: the proxy keeps only these for the recording (lower-case). */
export const CLIENT_HEADERS = ['user-agent', 'x-goog-api-client', 'originator', 'x-stainless-lang', 'x-stainless-package-version', 'x-app'] as const;

export type ClientHeaders = Partial<Record<(typeof CLIENT_HEADERS)[number], string>>;

/** The CLIENT_HEADERS present in `headers` (Node's lower-cased request headers): references, no parsing. */
export function pickClientHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): ClientHeaders {
  const picked: ClientHeaders = {};
  for (const name of CLIENT_HEADERS) {
    const value = headers[name];
    const text = Array.isArray(value) ? value[0] : value;
    if (text !== undefined && text !== '') picked[name] = text;
  }
  return picked;
}

const VERSION = '(\\d+(?:\\.\\d+)*(?:[-+][0-9A-Za-z.-]+)?)';

/** Tried in order on the User-Agent; agents first, since they also name the SDK they use. */
const USER_AGENT_PATTERNS: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: 'claude-code', pattern: new RegExp(`\\bclaude-cli/${VERSION}`) },
  { name: 'codex', pattern: new RegExp(`\\bcodex_(?:exec|cli_rs|vscode|sdk_ts|tui)/${VERSION}`) },
  { name: 'gemini-cli', pattern: new RegExp(`\\bGeminiCLI(?:-[a-z]+)?/${VERSION}`) },
  { name: 'opencode', pattern: new RegExp(`\\bopencode/${VERSION}`) },
  { name: 'openai-js', pattern: new RegExp(`\\bOpenAI/JS ${VERSION}`) },
  { name: 'openai-python', pattern: new RegExp(`\\bOpenAI/Python ${VERSION}`) },
  { name: 'anthropic-js', pattern: new RegExp(`\\bAnthropic/JS ${VERSION}`) },
  { name: 'anthropic-python', pattern: new RegExp(`\\bAnthropic/Python ${VERSION}`) },
  { name: 'google-genai-js', pattern: new RegExp(`\\bgoogle-genai-sdk/${VERSION}.*\\bgl-node/`) },
  { name: 'google-genai-python', pattern: new RegExp(`\\bgoogle-genai-sdk/${VERSION}.*\\bgl-python/`) },
  { name: 'ai-sdk', pattern: new RegExp(`\\bai-sdk/[a-z-]+/${VERSION}`) },
];

export function detectClient(headers: ClientHeaders): ClientInfo | null {
  const userAgent = headers['user-agent'] ?? '';
  for (const { name, pattern } of USER_AGENT_PATTERNS) {
    const match = pattern.exec(userAgent);
    if (match) return { name, version: match[1] ?? null };
  }
  // Codex names itself in `originator` even where a custom User-Agent replaced its own.
  const originator = headers.originator;
  if (originator !== undefined && /^codex_/.test(originator)) return { name: 'codex', version: null };
  // Google's SDKs put their name in x-goog-api-client and leave the User-Agent to the runtime.
  const googleClient = headers['x-goog-api-client'];
  if (googleClient !== undefined) {
    for (const { name, pattern } of USER_AGENT_PATTERNS) {
      if (!name.startsWith('google-genai')) continue;
      const match = pattern.exec(googleClient);
      if (match) return { name, version: match[1] ?? null };
    }
  }
  if (headers['x-app'] === 'cli') return { name: 'claude-code', version: null };
  // Stainless SDKs (OpenAI's, Anthropic's) send x-stainless-lang even behind another User-Agent;
  // which vendor's SDK it is, the headers do not say.
  const lang = headers['x-stainless-lang'];
  if (lang !== undefined && /^(?:js|python)$/.test(lang)) return { name: `stainless-sdk-${lang}`, version: headers['x-stainless-package-version'] ?? null };
  return null;
}
