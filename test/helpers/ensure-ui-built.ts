// Builds the review UI (vite) when dist/ui is missing or older than its sources, once, even when
// several test files ask at the same time (a lock directory serialises the builds).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUTPUT = join(ROOT, 'dist/ui/index.html');
const LOCK = join(ROOT, 'dist/.ui-build.lock');
const SOURCES = [join(ROOT, 'ui'), join(ROOT, 'src/admin/api-types.ts'), join(ROOT, 'src/training/sharegpt-markers.ts')];

function newestMtime(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), info.mtimeMs);
}

function isFresh(): boolean {
  return existsSync(OUTPUT) && statSync(OUTPUT).mtimeMs >= Math.max(...SOURCES.map(newestMtime));
}

export async function ensureUiBuilt(): Promise<string> {
  const deadline = Date.now() + 120_000;
  while (!isFresh()) {
    mkdirSync(join(ROOT, 'dist'), { recursive: true });
    let locked = false;
    try {
      mkdirSync(LOCK);
      locked = true;
    } catch {
      // another test file is building: wait for it (a lock older than two minutes is stale)
      if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs > 120_000) rmSync(LOCK, { recursive: true, force: true });
    }
    if (locked) {
      try {
        if (!isFresh()) {
          const vite = join(ROOT, 'node_modules/vite/bin/vite.js');
          const result = spawnSync(process.execPath, [vite, 'build', '--config', 'ui/vite.config.ts'], { cwd: ROOT, encoding: 'utf8' });
          if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
        }
      } finally {
        rmSync(LOCK, { recursive: true, force: true });
      }
    } else {
      if (Date.now() > deadline) throw new Error('timed out waiting for another process to build the UI');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return join(ROOT, 'dist/ui');
}
