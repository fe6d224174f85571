// Records what each real coding-agent CLI sends: runs it straight at the scripted loopback upstream
// (test/helpers/scripted-agent-upstream.ts) and writes every request (headers minus credentials)
// with the scripted answer to test/fixtures/agents/<cli>/session.json, which
// test/e2e/agent-sessions.test.ts replays through the proxy.
// Usage: AGENT_CLIS_DIR=/tmp/agents/node_modules/.bin npx vite-node scripts/record-agent-sessions.ts [cli…]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startScriptedAgentUpstream } from '../test/helpers/scripted-agent-upstream.js';
import { AGENT_CLIS, AGENT_MODES, FINAL_TEXT, cliInstalled, invocation, prepareWorkDir, PROMPT, runCli, type AgentCli, type AgentMode } from './agent-clis.js';

const binDir = process.env['AGENT_CLIS_DIR'];
if (!binDir) {
  console.error('record-agent-sessions: set AGENT_CLIS_DIR to the folder holding claude, codex, gemini, opencode');
  process.exit(2);
}
const wanted = (process.argv.slice(2).filter((arg) => (AGENT_CLIS as readonly string[]).includes(arg)) as AgentCli[]);
const clis = wanted.length > 0 ? wanted : [...AGENT_CLIS];
// `--mode=websocket|subscription` (scripts/agent-clis.ts AgentMode): saved to test/fixtures/agents/<cli>-<mode>/.
const modeArg = process.argv.slice(2).find((arg) => arg.startsWith('--mode='))?.slice('--mode='.length) ?? 'api-key';
if (!(AGENT_MODES as readonly string[]).includes(modeArg)) {
  console.error(`record-agent-sessions: unknown --mode=${modeArg}; use one of ${AGENT_MODES.join(', ')}`);
  process.exit(2);
}
const mode = modeArg as AgentMode;

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
  const dir = join(import.meta.dirname, '..', 'test', 'fixtures', 'agents', mode === 'api-key' ? cli : `${cli}-${mode}`);
  mkdirSync(dir, { recursive: true });
  // The run's temp paths are replaced by placeholders so the fixture does not depend on them.
  const text = JSON.stringify(
    {
      cli,
      ...(mode === 'api-key' ? {} : { mode }),
      version: version.stdout.trim(),
      prompt: PROMPT,
      workDir: '{{WORKDIR}}',
      filePath: '{{WORKDIR}}/hello.txt',
      finalText: FINAL_TEXT,
      exitCode: result.code,
      output: result.stdout.trim(),
      exchanges: upstream.exchanges,
    },
    null,
    2,
  )
    .replaceAll(run.filePath, '{{WORKDIR}}/hello.txt')
    .replaceAll(run.workDir, '{{WORKDIR}}')
    .replaceAll(inv.env['HOME'] ?? '\u0000', '{{HOME}}')
    .replaceAll(upstream.authority, '{{UPSTREAM}}');
  writeFileSync(join(dir, 'session.json'), text + '\n');
  console.log(`${cli}: exit ${String(result.code)}${result.timedOut ? ' (timed out)' : ''}, ${upstream.exchanges.length} requests (${upstream.exchanges.map((e) => `${e.request.method} ${e.request.path.split('?')[0]} ${e.step}`).join('; ')})`);
  console.log(`  stdout: ${result.stdout.trim().slice(0, 300)}`);
  if (result.code !== 0) console.log(`  stderr: ${result.stderr.trim().slice(-1500)}`);
}
