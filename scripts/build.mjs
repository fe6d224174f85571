#!/usr/bin/env node
// Builds dist/ (tsc for the server, vite for the review UI) and stamps it, so that `npm start` and
// `npm run export` start straight from the build: `--if-stale` rebuilds only when a source file,
// a directory (a file added or removed) or a build config is newer than the last build.
//
//   node scripts/build.mjs              build now (npm run build; npm install runs it as `prepare`)
//   node scripts/build.mjs --if-stale   build only when dist/ is missing or older than its sources
//   node scripts/build.mjs --check      exit 0 when dist/ is fresh, 1 when stale; builds nothing
//   --root DIR                          the project directory (default: this script's parent)
//
// The staleness check stats about 400 paths (a few milliseconds); it hashes nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const rootIndex = args.indexOf('--root');
const ROOT = rootIndex >= 0 ? resolve(args[rootIndex + 1] ?? '.') : fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(ROOT, 'dist', '.build-stamp');
/** What the build reads: a change to any of these makes dist/ stale. */
const INPUTS = ['src', 'ui', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
/** What a start needs from the build. */
const OUTPUTS = ['dist/cli/index.js', 'dist/ui/index.html'];

function newestMtime(path) {
  let info;
  try {
    info = statSync(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function isFresh() {
  if (!existsSync(STAMP) || OUTPUTS.some((output) => !existsSync(join(ROOT, output)))) return false;
  const builtAt = statSync(STAMP).mtimeMs;
  return INPUTS.every((input) => newestMtime(join(ROOT, input)) <= builtAt);
}

function run(script, scriptArgs) {
  const path = join(ROOT, 'node_modules', script);
  if (!existsSync(path)) {
    process.stderr.write(`llm-proxy-sharegpt: cannot build: ${script} is missing; run "npm install" (with dev dependencies) first\n`);
    process.exit(1);
  }
  const result = spawnSync(process.execPath, [path, ...scriptArgs], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function build() {
  // The stamp's time is the build's start: a source saved during the build makes the next check stale.
  const startedAt = new Date();
  run('typescript/bin/tsc', ['-p', 'tsconfig.build.json']);
  run('vite/bin/vite.js', ['build', '--config', 'ui/vite.config.ts']);
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  writeFileSync(STAMP, `${startedAt.toISOString()}\n`);
  utimesSync(STAMP, startedAt, startedAt);
}

if (args.includes('--check')) process.exit(isFresh() ? 0 : 1);
if (args.includes('--if-stale') && isFresh()) process.exit(0);
if (args.includes('--if-stale')) {
  const first = !existsSync(STAMP);
  process.stderr.write(`llm-proxy-sharegpt: ${first ? 'first build' : 'sources changed since the last build'}; building dist/ …\n`);
}
build();
