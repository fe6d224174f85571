// `npm run test:agents`: runs the real coding-agent CLIs, when installed, through the real proxy
// (`http://PROXY/127.0.0.1:UPSTREAM/...`, the upstream allowlisted with "https": false) against
// the scripted loopback upstream, and checks that each session ran its tool loop, gave the scripted
// answer and exports as one ShareGPT row holding the tool call, its result and the answer.
// The CLIs' folder comes from AGENT_CLIS_DIR (e.g. /tmp/agents/node_modules/.bin); without it, or
// with none of the CLIs in it, every CLI is skipped with a line saying so. Not part of `npm test`.
// Then the compat modes (scripts/compat-agent-session.ts): Codex and opencode at the OpenAI-compatible
// entry with a Claude model (thinking on) and a Gemini 3 model, against an upstream that refuses a
// tool loop without its signed reasoning as the providers do: each must run as it does direct and
// export as one row holding both steps' reasoning, the call, its result and the answer.
// Arguments pick CLIs (`claude codex`) and/or compat modes (`codex-claude`, or `compat` for all four).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRecording } from '../src/capture/open-recording.js';
import { exportRows } from '../src/export/export-rows.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { ShareGptRow } from '../src/training/sharegpt-types.js';
import { startScriptedAgentUpstream } from '../test/helpers/scripted-agent-upstream.js';
import { startTestProxy } from '../test/helpers/start-proxy.js';
import { AGENT_CLIS, AGENT_MODES, COMPAT_MODES, compatCli, FAKE_SUBSCRIPTION, FINAL_TEXT, cliInstalled, invocation, prepareWorkDir, runCli, type AgentCli, type AgentMode, type CompatMode } from './agent-clis.js';
import { runCompatSession } from './compat-agent-session.js';
import { SCRIPTED_REASONING } from '../test/helpers/scripted-agent-upstream.js';

const PROVIDER: Record<AgentCli, string> = { claude: 'anthropic', codex: 'openai', gemini: 'google', opencode: 'anthropic' };

const binDir = process.env['AGENT_CLIS_DIR'];
if (!binDir || !existsSync(binDir)) {
  console.log(`test:agents: skipped, no CLIs: set AGENT_CLIS_DIR to the folder holding claude, codex, gemini, opencode (e.g. /tmp/agents/node_modules/.bin)${binDir ? `; ${binDir} does not exist` : ''}`);
  process.exit(0);
}
const args = process.argv.slice(2);
const wanted = args.filter((arg): arg is AgentCli => (AGENT_CLIS as readonly string[]).includes(arg));
// `compat` or one of COMPAT_MODES: the CLIs at the OpenAI-compatible entry (API keys only).
const wantedModes = args.includes('compat') ? [...COMPAT_MODES] : args.filter((arg): arg is CompatMode => (COMPAT_MODES as readonly string[]).includes(arg));
const noneNamed = wanted.length === 0 && wantedModes.length === 0;
// `--mode=websocket` (Codex on its Responses WebSocket transport) or `--mode=subscription` (each
// CLI's own login with fake credentials); default: API keys over HTTP.
const modeArg = args.find((arg) => arg.startsWith('--mode='))?.slice('--mode='.length) ?? 'api-key';
if (!(AGENT_MODES as readonly string[]).includes(modeArg)) {
  console.log(`test:agents: unknown --mode=${modeArg}; use one of ${AGENT_MODES.join(', ')}`);
  process.exit(2);
}
const mode = modeArg as AgentMode;
/** The CLIs each mode has a run for (scripts/agent-clis.ts). */
const MODE_CLIS: Record<AgentMode, readonly AgentCli[]> = { 'api-key': AGENT_CLIS, websocket: ['codex'], subscription: ['claude', 'codex', 'gemini'] };
/** The credential each subscription run must reach the upstream with, unchanged. */
const SUBSCRIPTION_CREDENTIAL: Partial<Record<AgentCli, string>> = { claude: `Bearer ${FAKE_SUBSCRIPTION.claudeOauthToken}`, gemini: `Bearer ${FAKE_SUBSCRIPTION.googleAccessToken}` };
let failures = 0;
let ran = 0;

for (const cli of (noneNamed ? AGENT_CLIS : wanted).filter((name) => MODE_CLIS[mode].includes(name))) {
  if (!cliInstalled(binDir, cli)) {
    console.log(`${cli}: skipped, not installed in ${binDir}`);
    continue;
  }
  ran++;
  const problems: string[] = [];
  const run = prepareWorkDir(cli);
  const upstream = await startScriptedAgentUpstream({ filePath: run.filePath, finalText: FINAL_TEXT });
  // The credentials as they reached the upstream (the exchanges keep none).
  const credentialsSeen = new Set<string>();
  const noteCredential = (request: { headers: Record<string, string | string[] | undefined> }) => {
    for (const name of ['authorization', 'x-api-key', 'x-goog-api-key']) {
      const value = request.headers[name];
      if (typeof value === 'string') credentialsSeen.add(`${name}: ${value}`);
    }
  };
  upstream.server.on('request', noteCredential);
  upstream.server.on('upgrade', noteCredential);
  const dbPath = join(mkdtempSync(join(tmpdir(), `agents-${cli}-db-`)), 'records.db');
  const proxy = await startTestProxy(
    { allowed_domains: { [upstream.authority]: { https: false, auth_type: PROVIDER[cli] } } },
    { recording: (logger) => openRecording({ dbPath, logger, flushIntervalMs: 10 }) },
  );
  const result = await runCli(invocation(cli, binDir, `${proxy.url}/${upstream.authority}`, run, mode), run.workDir);
  await proxy.close();
  await upstream.close();

  // Codex 0.171 signed in with ChatGPT checks the workspace against chatgpt_base_url and then only
  // sends model calls to an https backend origin (README, "Coding agents"): it cannot run here.
  if (cli === 'codex' && mode === 'subscription' && /workspace backend must use an HTTPS origin|workspace routing discovery/.test(result.stderr)) {
    console.log(`codex: not runnable on a ChatGPT login through a plain-HTTP proxy (as documented): ${/ERROR: (workspace[^\n]*)/.exec(result.stderr)?.[1] ?? ''}; upstream saw: ${upstream.exchanges.map((e) => `${e.request.method} ${e.request.path.split('?')[0]}`).join('; ')}`);
    continue;
  }
  const wantedCredential = mode === 'subscription' ? SUBSCRIPTION_CREDENTIAL[cli] : undefined;
  if (wantedCredential !== undefined && ![...credentialsSeen].some((seen) => seen === `authorization: ${wantedCredential}`)) problems.push(`the upstream did not get "${wantedCredential}" unchanged (saw ${[...credentialsSeen].join(', ')})`);
  if (mode === 'websocket' && !upstream.exchanges.some((exchange) => exchange.transport === 'websocket' && exchange.step === 'final')) problems.push('no model call came over the WebSocket transport');

  if (result.code !== 0) problems.push(`exit code ${String(result.code)}${result.timedOut ? ' (timed out)' : ''}: ${result.stderr.trim().slice(-600)}`);
  if (!result.stdout.includes(FINAL_TEXT)) problems.push(`stdout lacks the scripted answer: ${result.stdout.trim().slice(0, 300)}`);
  const steps = upstream.exchanges.map((exchange) => exchange.step);
  if (!steps.includes('tool-call') || !steps.includes('final')) problems.push(`no tool loop reached the upstream (steps: ${steps.join(', ')})`);

  const store = openSqliteStore(dbPath);
  const rows: ShareGptRow[] = [];
  for await (const exported of exportRows(store, { formats: ['sharegpt'], filter: {}, status: 'all' })) if (exported.valid) rows.push(exported.row as ShareGptRow);
  const records = await store.count();
  await store.close();
  const sessionRows = rows.filter((row) => row.conversations.some((turn) => turn.from === 'function_call'));
  if (sessionRows.length !== 1) problems.push(`${sessionRows.length} exported rows hold the tool loop, expected 1`);
  const roles = sessionRows[0]?.conversations.map((turn) => turn.from).join(',');
  if (sessionRows[0] && roles !== 'human,function_call,observation,gpt') problems.push(`row turns are ${roles ?? ''}`);
  // The answer may be preceded by its reasoning (`<think>\n…\n</think>\n\n`, formats.md 1.4).
  const answer = sessionRows[0]?.conversations.at(-1)?.value.replace(/^<think>\n[\s\S]*?\n<\/think>\n\n/, '');
  if (sessionRows[0] && answer !== FINAL_TEXT) problems.push(`the row does not end with the scripted answer: ${JSON.stringify(answer)}`);
  if (sessionRows[0] && !sessionRows[0].conversations[2]?.value.includes('pineapple')) problems.push("the row's observation lacks the file's text");

  const summary = `${mode}: ${records} records, ${rows.length} exported rows (${rows.length - sessionRows.length} side calls), upstream saw: ${upstream.exchanges.map((e) => `${e.transport === 'websocket' ? 'WS ' : ''}${e.request.method} ${e.request.path.split('?')[0]} [${e.step}]`).join('; ')}`;
  if (problems.length === 0) console.log(`${cli}: ok: ${summary}`);
  else {
    failures++;
    console.log(`${cli}: FAILED: ${problems.join(' | ')}\n  ${summary}`);
  }
}

/** The reasoning text of an assistant turn (`<think>\n…\n</think>\n\n` prefix, formats.md 1.4). */
const thinkOf = (value: string | undefined) => /^<think>\n([\s\S]*?)\n<\/think>\n\n/.exec(value ?? '')?.[1] ?? null;

for (const compatMode of mode !== 'api-key' ? [] : noneNamed ? COMPAT_MODES : wantedModes) {
  const cli = compatCli(compatMode);
  if (!cliInstalled(binDir, cli)) {
    console.log(`compat ${compatMode}: skipped, ${cli} not installed in ${binDir}`);
    continue;
  }
  ran++;
  const problems: string[] = [];
  const session = await runCompatSession(compatMode, binDir);
  const { result } = session;
  if (result.code !== 0) problems.push(`exit code ${String(result.code)}${result.timedOut ? ' (timed out)' : ''}: ${result.stderr.trim().slice(-600)}`);
  if (!result.stdout.includes(FINAL_TEXT)) problems.push(`stdout lacks the scripted answer: ${result.stdout.trim().slice(-300)}`);
  const steps = session.upstream.map((exchange) => exchange.step);
  if (steps.includes('refused')) problems.push('the upstream refused a request that lost its signed reasoning');
  if (!steps.includes('tool-call') || !steps.includes('final')) problems.push(`no tool loop reached the upstream (steps: ${steps.join(', ')})`);
  const log = session.logFile ? readFileSync(session.logFile, 'utf8') : '';
  if (log.includes('without their signed reasoning')) problems.push('the signed reasoning was not restored (cache miss fallback used)');

  const store = openSqliteStore(session.dbPath);
  const rows: ShareGptRow[] = [];
  for await (const exported of exportRows(store, { formats: ['sharegpt'], filter: { sideCall: false }, status: 'all' })) if (exported.valid) rows.push(exported.row as ShareGptRow);
  const records = await store.count();
  await store.close();
  const turns = rows[0]?.conversations ?? [];
  if (rows.length !== 1) problems.push(`${rows.length} exported rows (side calls left out), expected 1`);
  else if (turns.map((turn) => turn.from).join(',') !== 'human,function_call,observation,gpt') problems.push(`row turns are ${turns.map((turn) => turn.from).join(',')}`);
  else {
    if (thinkOf(turns[1]?.value) !== SCRIPTED_REASONING['tool-call']) problems.push("the row's tool call lacks its step's reasoning");
    if (thinkOf(turns[3]?.value) !== SCRIPTED_REASONING.final) problems.push("the row's answer lacks its step's reasoning");
    if (!turns[2]?.value.includes('pineapple')) problems.push("the row's observation lacks the file's text");
    if (turns[3]?.value.replace(/^<think>\n[\s\S]*?\n<\/think>\n\n/, '') !== FINAL_TEXT) problems.push('the row does not end with the scripted answer');
  }
  const summary = `${records} records, ${rows.length} exported row(s), entry saw: ${session.entry.map((e) => `${e.request.method} ${e.request.path} ${e.response.status}`).join('; ')}; upstream steps: ${steps.join(', ')}`;
  if (problems.length === 0) console.log(`compat ${compatMode}: ok: ${summary}`);
  else {
    failures++;
    console.log(`compat ${compatMode}: FAILED: ${problems.join(' | ')}\n  ${summary}`);
  }
}

if (ran === 0) console.log(`test:agents: skipped, none of ${AGENT_CLIS.join(', ')} is installed in ${binDir}`);
process.exit(failures > 0 ? 1 : 0);
