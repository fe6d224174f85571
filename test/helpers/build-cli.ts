// Builds the CLI (tsconfig.build.json) into a private directory, so a test spawns the real
// `node dist/cli/index.js` without touching the project's own dist/.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BuiltCli {
  /** Path of the built `cli/index.js`. */
  cli: string;
  /** Removes the build. */
  dispose(): void;
}

/**
 * Builds the CLI and returns where its entry point is. Type errors elsewhere do not stop tsc from
 * emitting. The build goes under test-artifacts/ (git-ignored) inside the project, so the built
 * files resolve the project's node_modules; a copy of package.json sits where dist/ finds it
 * (`../package.json`: the version, and `"type": "module"`).
 */
export async function buildCli(): Promise<BuiltCli> {
  const artifacts = join(PROJECT_ROOT, 'test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  copyFileSync(join(PROJECT_ROOT, 'package.json'), join(artifacts, 'package.json'));
  const outDir = mkdtempSync(join(artifacts, 'cli-build-'));
  const tsc = join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', join(PROJECT_ROOT, 'tsconfig.build.json'), '--outDir', outDir], { cwd: PROJECT_ROOT });
  } catch (error) {
    if (!existsSync(join(outDir, 'cli', 'index.js'))) throw error;
  }
  return { cli: join(outDir, 'cli', 'index.js'), dispose: () => rmSync(outDir, { recursive: true, force: true }) };
}
