// `npm run test:agents`: runs the real coding-agent CLIs, when installed, through the real proxy
// (`http://PROXY/127.0.0.1:UPSTREAM/...`, the upstream allowlisted with "https": false) against
// the scripted loopback upstream, and checks that each session ran its tool loop, gave the scripted
// answer and exports as one ShareGPT row holding the tool call, its result and the answer.
// The CLIs' folder comes from AGENT_CLIS_DIR (e.g. /tmp/agents/node_modules/.bin); without it, or
// with none of the CLIs in it, every CLI is skipped with a line saying so. Not part of `npm test`.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRecording } from '../src/capture/open-recording.js';
import { exportRows } from '../src/export/export-rows.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { ShareGptRow } from '../src/training/sharegpt-types.js';
import { startScriptedAgentUpstream } from '../test/helpers/scripted-agent-upstream.js';
import { startTestProxy } from '../test/helpers/start-proxy.js';
import { AGENT_CLIS, FINAL_TEXT, cliInstalled, invocation, prepareWorkDir, runCli, type AgentCli } from './agent-clis.js';

const PROVIDER: Record<AgentCli, string> = { claude: 'anthropic', codex: 'openai', gemini: 'google', opencode: 'anthropic' };

const binDir = process.env['AGENT_CLIS_DIR'];
if (!binDir || !existsSync(binDir)) {
  console.log(`test:agents: skipped, no CLIs: set AGENT_CLIS_DIR to the folder holding claude, codex, gemini, opencode (e.g. /tmp/agents/node_modules/.bin)${binDir ? `; ${binDir} does not exist` : ''}`);
  process.exit(0);
}
const wanted = process.argv.slice(2).filter((arg): arg is AgentCli => (AGENT_CLIS as readonly string[]).includes(arg));
let failures = 0;
let ran = 0;

for (const cli of wanted.length > 0 ? wanted : AGENT_CLIS) {
  if (!cliInstalled(binDir, cli)) {
    console.log(`${cli}: skipped, not installed in ${binDir}`);
    continue;
  }
  ran++;
  const problems: string[] = [];
  const run = prepareWorkDir(cli);
  const upstream = await startScriptedAgentUpstream({ filePath: run.filePath, finalText: FINAL_TEXT });
  const dbPath = join(mkdtempSync(join(tmpdir(), `agents-${cli}-db-`)), 'records.db');
  const proxy = await startTestProxy(
    { allowed_domains: { [upstream.authority]: { https: false, auth_type: PROVIDER[cli] } } },
    { recording: (logger) => openRecording({ dbPath, logger, flushIntervalMs: 10 }) },
  );
  const result = await runCli(invocation(cli, binDir, `${proxy.url}/${upstream.authority}`, run), run.workDir);
  await proxy.close();
  await upstream.close();

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

  const summary = `${records} records, ${rows.length} exported rows (${rows.length - sessionRows.length} side calls), upstream saw: ${upstream.exchanges.map((e) => `${e.request.method} ${e.request.path.split('?')[0]} [${e.step}]`).join('; ')}`;
  if (problems.length === 0) console.log(`${cli}: ok: ${summary}`);
  else {
    failures++;
    console.log(`${cli}: FAILED: ${problems.join(' | ')}\n  ${summary}`);
  }
}

if (ran === 0) console.log(`test:agents: skipped, none of ${AGENT_CLIS.join(', ')} is installed in ${binDir}`);
process.exit(failures > 0 ? 1 : 0);
