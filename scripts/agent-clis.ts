// How each real coding-agent CLI is run non-interactively against a base URL, with a fake key, its
// own throwaway home and config, and everything that waits for the network turned off. Used by
// scripts/test-agents.ts (through the proxy) and scripts/record-agent-sessions.ts (direct, to save
// what the client sends as test/fixtures/agents/<cli>/session.json).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type AgentCli = 'claude' | 'codex' | 'gemini' | 'opencode';
export const AGENT_CLIS: readonly AgentCli[] = ['claude', 'codex', 'gemini', 'opencode'];

export const PROMPT = 'Read the file hello.txt in the current directory and tell me what it says.';
export const FILE_TEXT = 'The secret word is pineapple.\n';
export const FINAL_TEXT = 'The file hello.txt says: The secret word is pineapple.';

export interface AgentRun {
  /** A fresh working directory holding hello.txt. */
  workDir: string;
  filePath: string;
}

export function prepareWorkDir(cli: AgentCli): AgentRun {
  // A stable name: it appears in the prompts the clients build (cwd), and so in the fixtures.
  const workDir = join(mkdtempSync(join(tmpdir(), `agent-${cli}-`)), 'project');
  mkdirSync(workDir, { recursive: true });
  const filePath = join(workDir, 'hello.txt');
  writeFileSync(filePath, FILE_TEXT);
  return { workDir, filePath };
}

/**
 * How the CLI is signed in and which transport it uses: `api-key` (the default runs above),
 * `websocket` (Codex's built-in OpenAI provider with `openai_base_url`: the Responses WebSocket
 * transport first), `subscription` (each CLI's own login, with fake credentials: Codex's ChatGPT
 * auth.json, Gemini CLI's Google OAuth creds, Claude Code's OAuth token).
 */
export type AgentMode = 'api-key' | 'websocket' | 'subscription';
export const AGENT_MODES: readonly AgentMode[] = ['api-key', 'websocket', 'subscription'];

export interface CliInvocation {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** Fake keys, short so they never look like real ones. */
const FAKE_KEY = 'fake-agent-key';

/** A throwaway home for one run: the CLI's config, caches and state stay in it. */
function homeEnv(home: string): Record<string, string> {
  return { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local/share'), XDG_CACHE_HOME: join(home, '.cache'), XDG_STATE_HOME: join(home, '.local/state'), PATH: process.env['PATH'] ?? '', TERM: 'dumb', NO_COLOR: '1', CI: '1' };
}

/**
 * `base` is the URL the client should treat as the provider's origin, e.g.
 * `http://127.0.0.1:8080/127.0.0.1:9999` (through the proxy) or `http://127.0.0.1:9999` (direct).
 */
export function invocation(cli: AgentCli, binDir: string, base: string, run: AgentRun, mode: AgentMode = 'api-key'): CliInvocation {
  const home = mkdtempSync(join(tmpdir(), `agent-${cli}-home-`));
  if (mode !== 'api-key') return modeInvocation(cli, mode, binDir, base, home);
  const common = homeEnv(home);
  switch (cli) {
    case 'claude':
      return {
        command: join(binDir, 'claude'),
        args: ['-p', PROMPT, '--model', 'claude-sonnet-4-5', '--allowedTools', 'Read', '--output-format', 'text'],
        env: {
          ...common,
          ANTHROPIC_BASE_URL: base,
          ANTHROPIC_API_KEY: FAKE_KEY,
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          DISABLE_AUTOUPDATER: '1',
          DISABLE_TELEMETRY: '1',
          DISABLE_ERROR_REPORTING: '1',
        },
      };
    case 'codex':
      // Codex 0.171 ignores OPENAI_BASE_URL; the built-in provider's `openai_base_url` works but first
      // tries the Responses WebSocket (GET /v1/responses, Upgrade) five times before falling back to
      // HTTP. A provider of one's own speaks plain HTTP Responses from the first request.
      return codexInvocation(binDir, home, common, `${base}/v1`, 'gpt-5-codex', []);
    case 'gemini': {
      writeGeminiSettings(home, 'gemini-api-key');
      return {
        command: join(binDir, 'gemini'),
        args: ['-p', PROMPT, '-m', 'gemini-2.5-flash'],
        env: { ...common, GEMINI_API_KEY: FAKE_KEY, GOOGLE_GEMINI_BASE_URL: base, GEMINI_CLI_NO_RELAUNCH: 'true', GEMINI_CLI_TRUST_WORKSPACE: 'true' },
      };
    }
    case 'opencode':
      return opencodeInvocation(binDir, run, { ...common, ANTHROPIC_API_KEY: FAKE_KEY }, { anthropic: { options: { baseURL: `${base}/v1`, apiKey: FAKE_KEY } } }, 'anthropic/claude-sonnet-4-5');
  }
}

/** Codex with a model provider of its own at `baseUrl` (a `/v1` URL); `settings` are more top-level config.toml lines. */
function codexInvocation(binDir: string, home: string, env: Record<string, string>, baseUrl: string, model: string, settings: string[]): CliInvocation {
  const codexHome = join(home, '.codex');
  mkdirSync(codexHome, { recursive: true });
  writeFileSync(
    join(codexHome, 'config.toml'),
    [
      'check_for_update_on_startup = false',
      ...settings,
      'model_provider = "proxy"',
      '[model_providers.proxy]',
      'name = "proxy"',
      `base_url = "${baseUrl}"`,
      'env_key = "OPENAI_API_KEY"',
      'wire_api = "responses"',
      '[analytics]',
      'enabled = false',
      '',
    ].join('\n'),
  );
  return {
    command: join(binDir, 'codex'),
    args: ['exec', '--skip-git-repo-check', '-m', model, '--sandbox', 'read-only', PROMPT],
    env: { ...env, CODEX_HOME: codexHome, OPENAI_API_KEY: FAKE_KEY },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export function runCli(inv: CliInvocation, cwd: string, timeoutMs = 180_000): Promise<CliResult> {
  return new Promise((resolve) => {
    // Its own process group: the npm launchers (node) spawn the native binary, and a timeout must
    // end both.
    const child = spawn(inv.command, inv.args, { cwd, env: inv.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

export function cliInstalled(binDir: string, cli: AgentCli): boolean {
  return existsSync(join(binDir, cli));
}

// ---- The same CLIs at the OpenAI-compatible entry (`http://PROXY/v1`), models routed by name ----

/** A CLI pointed at the compat entry with a model the proxy translates: Codex speaks Responses, opencode chat completions. */
export type CompatMode = 'codex-claude' | 'codex-gemini' | 'opencode-claude' | 'opencode-gemini';
export const COMPAT_MODES: readonly CompatMode[] = ['codex-claude', 'codex-gemini', 'opencode-claude', 'opencode-gemini'];
/** The model each mode asks for; the proxy's `openai_compat.routes` send claude-* to Anthropic, gemini-* to Google. */
export const COMPAT_MODEL: Record<CompatMode, string> = {
  'codex-claude': 'claude-sonnet-4-5',
  'codex-gemini': 'gemini-3-pro-preview',
  'opencode-claude': 'claude-sonnet-4-5',
  'opencode-gemini': 'gemini-3-pro-preview',
};
export const compatCli = (mode: CompatMode): AgentCli => (mode.startsWith('codex') ? 'codex' : 'opencode');
export const compatProvider = (mode: CompatMode): 'anthropic' | 'google' => (mode.endsWith('claude') ? 'anthropic' : 'google');

/** The routes a proxy needs for the compat modes, every model sent to `upstreamAuthority`. */
export function compatRoutes(upstreamAuthority: string) {
  return [
    { match: 'claude-*', provider: 'anthropic' as const, domain: upstreamAuthority },
    { match: 'gemini-*', provider: 'google' as const, domain: upstreamAuthority },
  ];
}

/** `entry` is the compat entry's base URL, e.g. `http://127.0.0.1:8080/v1`. Thinking is on in every mode. */
export function compatInvocation(mode: CompatMode, binDir: string, entry: string, run: AgentRun): CliInvocation {
  const cli = compatCli(mode);
  const model = COMPAT_MODEL[mode];
  const home = mkdtempSync(join(tmpdir(), `agent-${mode}-home-`));
  const common = homeEnv(home);
  if (cli === 'codex') {
    // The same provider of one's own (wire_api = "responses": Codex's only API). The reasoning effort
    // is sent as `reasoning.effort`, which turns Claude's extended thinking (and Gemini's thinking
    // config) on at the entry; the summary setting asks for the reasoning text.
    return codexInvocation(binDir, home, common, entry, model, [`model = "${model}"`, 'model_reasoning_effort = "low"', 'model_reasoning_summary = "auto"']);
  }
  // opencode: an @ai-sdk/openai-compatible provider at the entry; `reasoningEffort` in the model's
  // options becomes the chat request's `reasoning_effort` (thinking on).
  const provider = {
    proxy: {
      npm: '@ai-sdk/openai-compatible',
      name: 'llm-proxy',
      options: { baseURL: entry, apiKey: FAKE_KEY },
      models: { [model]: { name: model, reasoning: true, tool_call: true, options: { reasoningEffort: 'low' } } },
    },
  };
  return opencodeInvocation(binDir, run, common, provider, `proxy/${model}`);
}

/** opencode with `provider` (opencode.json's providers) and `model` (`provider/model`), kept off the network. */
function opencodeInvocation(binDir: string, run: AgentRun, env: Record<string, string>, provider: Record<string, unknown>, model: string): CliInvocation {
  writeFileSync(join(run.workDir, 'opencode.json'), JSON.stringify({ $schema: 'https://opencode.ai/config.json', autoupdate: false, share: 'disabled', provider, model }));
  return {
    command: join(binDir, 'opencode'),
    args: ['run', PROMPT],
    env: { ...env, OPENCODE_DISABLE_MODELS_FETCH: '1', OPENCODE_DISABLE_AUTOUPDATE: '1', OPENCODE_DISABLE_SHARE: '1', OPENCODE_DISABLE_LSP_DOWNLOAD: '1' },
  };
}

/** The runs other than API keys (AgentMode); `base` as for `invocation`. */
function modeInvocation(cli: AgentCli, mode: Exclude<AgentMode, 'api-key'>, binDir: string, base: string, home: string): CliInvocation {
  const common = homeEnv(home);
  if (cli === 'codex' && mode === 'websocket') {
    const codexHome = join(home, '.codex');
    mkdirSync(codexHome, { recursive: true });
    // The built-in provider at another base URL: Codex opens `GET {base}/responses` with Upgrade first.
    writeFileSync(join(codexHome, 'config.toml'), ['check_for_update_on_startup = false', `openai_base_url = "${base}/v1"`, '[analytics]', 'enabled = false', ''].join('\n'));
    return {
      command: join(binDir, 'codex'),
      args: ['exec', '--skip-git-repo-check', '-m', 'gpt-5-codex', '--sandbox', 'read-only', PROMPT],
      env: { ...common, CODEX_HOME: codexHome, OPENAI_API_KEY: FAKE_KEY, CODEX_API_KEY: FAKE_KEY },
    };
  }
  if (mode === 'subscription') return subscriptionInvocation(cli, binDir, base, home, common);
  throw new Error(`${cli} has no ${mode} run`);
}

/** A JWT-shaped token (`header.payload.signature`, unsigned): the clients read its claims, nobody checks it here. */
function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.c2ln`;
}

/** Fake subscription credentials each CLI accepts without a login (the provider would refuse them; the scripted upstream does not check). */
export const FAKE_SUBSCRIPTION = {
  chatgptAccountId: 'acct-fake-0001',
  /** Short, so it never looks like a real OAuth token (sk-ant-oat01-… are longer). */
  claudeOauthToken: 'sk-ant-oat01-fake',
  googleAccessToken: 'ya29.fake-access-token',
} as const;

function subscriptionInvocation(cli: AgentCli, binDir: string, base: string, home: string, common: Record<string, string>): CliInvocation {
  const far = Math.floor(Date.now() / 1000) + 30 * 24 * 3600;
  switch (cli) {
    case 'codex': {
      const codexHome = join(home, '.codex');
      mkdirSync(codexHome, { recursive: true });
      // A ChatGPT login as `codex login` leaves it (codex-rs login/src/token_data.rs): the id_token's
      // claims name the plan and account; the access token is sent as Bearer. Fresh `last_refresh`
      // and a far `exp`, so Codex does not refresh them against auth.openai.com.
      const auth = { 'https://api.openai.com/auth': { chatgpt_plan_type: 'plus', chatgpt_user_id: 'user-fake', chatgpt_account_id: FAKE_SUBSCRIPTION.chatgptAccountId } };
      writeFileSync(
        join(codexHome, 'auth.json'),
        JSON.stringify({
          auth_mode: 'chatgpt',
          OPENAI_API_KEY: null,
          tokens: { id_token: fakeJwt({ email: 'dev@example.com', exp: far, ...auth }), access_token: fakeJwt({ exp: far, ...auth }), refresh_token: 'fake-refresh-token', account_id: FAKE_SUBSCRIPTION.chatgptAccountId },
          last_refresh: new Date().toISOString(),
        }),
      );
      // With a ChatGPT login the built-in provider's base URL is https://chatgpt.com/backend-api/codex
      // (codex-rs model-provider-info/src/lib.rs, to_api_provider); `openai_base_url` replaces it.
      // `chatgpt_base_url` is where its other ChatGPT calls go (usage, tasks).
      writeFileSync(
        join(codexHome, 'config.toml'),
        ['check_for_update_on_startup = false', 'cli_auth_credentials_store = "file"', 'forced_login_method = "chatgpt"', `openai_base_url = "${base}/backend-api/codex"`, `chatgpt_base_url = "${base}/backend-api/"`, '[analytics]', 'enabled = false', ''].join('\n'),
      );
      return {
        command: join(binDir, 'codex'),
        args: ['exec', '--skip-git-repo-check', '-m', 'gpt-5-codex', '--sandbox', 'read-only', PROMPT],
        env: { ...common, CODEX_HOME: codexHome },
      };
    }
    case 'gemini': {
      writeGeminiSettings(home, 'oauth-personal');
      // A cached "Login with Google" (~/.gemini/oauth_creds.json) is checked against Google's
      // tokeninfo endpoint before use (initOauthClient, packages/core/src/code_assist/oauth2.ts), which
      // cannot be pointed elsewhere; an access token handed over in GOOGLE_CLOUD_ACCESS_TOKEN (with
      // GOOGLE_GENAI_USE_GCA) is used as is: the same Code Assist calls, with that Bearer.
      return {
        command: join(binDir, 'gemini'),
        args: ['-p', PROMPT, '-m', 'gemini-2.5-flash'],
        env: { ...common, CODE_ASSIST_ENDPOINT: base, GOOGLE_GENAI_USE_GCA: 'true', GOOGLE_CLOUD_ACCESS_TOKEN: FAKE_SUBSCRIPTION.googleAccessToken, GOOGLE_CLOUD_PROJECT: 'fake-project', GEMINI_CLI_NO_RELAUNCH: 'true', GEMINI_CLI_TRUST_WORKSPACE: 'true' },
      };
    }
    case 'claude':
      return {
        command: join(binDir, 'claude'),
        args: ['-p', PROMPT, '--model', 'claude-sonnet-4-5', '--allowedTools', 'Read', '--output-format', 'text'],
        env: {
          ...common,
          ANTHROPIC_BASE_URL: base,
          CLAUDE_CODE_OAUTH_TOKEN: FAKE_SUBSCRIPTION.claudeOauthToken,
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          DISABLE_AUTOUPDATER: '1',
          DISABLE_TELEMETRY: '1',
          DISABLE_ERROR_REPORTING: '1',
        },
      };
    case 'opencode':
      throw new Error('opencode has no subscription run (its subscription logins are plugins, not looked at)');
  }
}

/** Gemini CLI's settings for a run: the login kind, and nothing that waits for the network (updates, telemetry, IDE). */
function writeGeminiSettings(home: string, selectedType: 'gemini-api-key' | 'oauth-personal'): void {
  const settingsDir = join(home, '.gemini');
  mkdirSync(settingsDir, { recursive: true });
  writeFileSync(
    join(settingsDir, 'settings.json'),
    JSON.stringify({
      general: { disableAutoUpdate: true, disableUpdateNag: true },
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
      security: { auth: { selectedType } },
      ide: { enabled: false },
    }),
  );
}
