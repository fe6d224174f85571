// Records what each real coding-agent CLI sends: runs it straight at the scripted loopback upstream
// (test/helpers/scripted-agent-upstream.ts) and writes every request (headers minus credentials)
// with the scripted answer to test/fixtures/agents/<cli>/session.json, which
// test/e2e/agent-sessions.test.ts replays through the proxy. The compat modes (Codex and opencode
// at the OpenAI-compatible entry, scripts/compat-agent-session.ts) are written to
// test/fixtures/agents/compat-<mode>/session.json: what the CLI sent to the entry and what it got,
// beside what the proxy sent upstream and the scripted answers (replayed by
// test/e2e/agent-compat-sessions.test.ts).
// `--mode=websocket|subscription` (scripts/agent-clis.ts AgentMode) records the CLIs on those runs, to
// test/fixtures/agents/<cli>-<mode>/ (replayed by test/e2e/agent-sessions-by-login.test.ts).
// Usage: AGENT_CLIS_DIR=/tmp/agents/node_modules/.bin npx vite-node scripts/record-agent-sessions.ts [cli… | mode… | compat] [--mode=…]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startScriptedAgentUpstream } from '../test/helpers/scripted-agent-upstream.js';
import { AGENT_CLIS, AGENT_MODES, COMPAT_MODES, compatCli, FINAL_TEXT, cliInstalled, invocation, prepareWorkDir, PROMPT, runCli, type AgentCli, type AgentMode, type CompatMode } from './agent-clis.js';
import { runCompatSession } from './compat-agent-session.js';

const binDir = process.env['AGENT_CLIS_DIR'];
if (!binDir) {
  console.error('record-agent-sessions: set AGENT_CLIS_DIR to the folder holding claude, codex, gemini, opencode');
  process.exit(2);
}
const args = process.argv.slice(2);
const wanted = args.filter((arg) => (AGENT_CLIS as readonly string[]).includes(arg)) as AgentCli[];
const wantedModes = args.includes('compat') ? [...COMPAT_MODES] : (args.filter((arg) => (COMPAT_MODES as readonly string[]).includes(arg)) as CompatMode[]);
const clis = wanted.length > 0 || wantedModes.length > 0 ? wanted : [...AGENT_CLIS];
const FIXTURES = join(import.meta.dirname, '..', 'test', 'fixtures', 'agents');
const modeArg = args.find((arg) => arg.startsWith('--mode='))?.slice('--mode='.length) ?? 'api-key';
if (!(AGENT_MODES as readonly string[]).includes(modeArg)) {
  console.error(`record-agent-sessions: unknown --mode=${modeArg}; use one of ${AGENT_MODES.join(', ')}`);
  process.exit(2);
}
const mode = modeArg as AgentMode;

/** The run's temp paths and ports replaced by placeholders, so the fixture does not depend on them. */
function withPlaceholders(value: unknown, run: { filePath: string; workDir: string; home: string | undefined; upstream: string }): string {
  return JSON.stringify(value, null, 2)
    .replaceAll(run.filePath, '{{WORKDIR}}/hello.txt')
    .replaceAll(run.workDir, '{{WORKDIR}}')
    .replaceAll(run.home ?? '\u0000', '{{HOME}}')
    .replaceAll(run.upstream, '{{UPSTREAM}}');
}

function save(name: string, text: string): void {
  const dir = join(FIXTURES, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'session.json'), text + '\n');
}

for (const cli of clis) {
  if (!cliInstalled(binDir, cli)) {
    console.log(`${cli}: not installed in ${binDir}, skipped`);
    continue;
  }
  const run = prepareWorkDir(cli);
  const upstream = await startScriptedAgentUpstream({ filePath: run.filePath, finalText: FINAL_TEXT });
  const inv = invocation(cli, binDir, `http://${upstream.authority}`, run, mode);
  const result = await runCli(inv, run.workDir);
  await upstream.close();
  const version = await runCli({ ...inv, args: ['--version'] }, run.workDir, 30_000);
  const fixture = { cli, ...(mode === 'api-key' ? {} : { mode }), version: version.stdout.trim(), prompt: PROMPT, workDir: '{{WORKDIR}}', filePath: '{{WORKDIR}}/hello.txt', finalText: FINAL_TEXT, exitCode: result.code, output: result.stdout.trim(), exchanges: upstream.exchanges };
  save(mode === 'api-key' ? cli : `${cli}-${mode}`, withPlaceholders(fixture, { ...run, home: inv.env['HOME'], upstream: upstream.authority }));
  console.log(`${cli}: exit ${String(result.code)}${result.timedOut ? ' (timed out)' : ''}, ${upstream.exchanges.length} requests (${upstream.exchanges.map((e) => `${e.request.method} ${e.request.path.split('?')[0]} ${e.step}`).join('; ')})`);
  console.log(`  stdout: ${result.stdout.trim().slice(0, 300)}`);
  if (result.code !== 0) console.log(`  stderr: ${result.stderr.trim().slice(-1500)}`);
}

for (const compatMode of mode === 'api-key' ? wantedModes : []) {
  const cli = compatCli(compatMode);
  if (!cliInstalled(binDir, cli)) {
    console.log(`compat-${compatMode}: ${cli} not installed in ${binDir}, skipped`);
    continue;
  }
  const session = await runCompatSession(compatMode, binDir);
  const version = await runCli({ ...session.invocation, args: ['--version'] }, session.workDir, 30_000);
  const fixture = {
    mode: compatMode,
    cli,
    version: version.stdout.trim(),
    model: session.model,
    prompt: PROMPT,
    workDir: '{{WORKDIR}}',
    filePath: '{{WORKDIR}}/hello.txt',
    finalText: FINAL_TEXT,
    exitCode: session.result.code,
    output: session.result.stdout.trim(),
    entry: session.entry,
    upstream: session.upstream,
  };
  save(`compat-${compatMode}`, withPlaceholders(fixture, { filePath: session.filePath, workDir: session.workDir, home: session.invocation.env['HOME'], upstream: session.upstreamAuthority }));
  console.log(`compat-${compatMode}: exit ${String(session.result.code)}${session.result.timedOut ? ' (timed out)' : ''}, ${session.entry.length} requests to the entry, upstream steps: ${session.upstream.map((e) => e.step).join(', ')}`);
  if (session.result.code !== 0) console.log(`  stderr: ${session.result.stderr.trim().slice(-1500)}`);
}
