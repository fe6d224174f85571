// scripts/build.mjs --check: `npm start` rebuilds only when a source, a directory (a file added or
// removed) or a build config changed since the last build. Run on a scratch project tree.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/build.mjs', import.meta.url));

function check(root: string): Promise<number> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [SCRIPT, '--check', '--root', root], () => resolve(child.exitCode ?? -1));
  });
}

function touch(path: string, time: Date): void {
  utimesSync(path, time, time);
}

describe('scripts/build.mjs --check', () => {
  it('is fresh after a build, stale after a source edit, an added file, a removed file or a config edit', async () => {
    const root = mkdtempSync(join(tmpdir(), 'llmproxy-build-'));
    const past = new Date(Date.now() - 60_000);
    const built = new Date(Date.now() - 30_000);
    for (const dir of ['src/cli', 'ui/src', 'dist/cli', 'dist/ui']) mkdirSync(join(root, dir), { recursive: true });
    for (const file of ['src/cli/index.ts', 'ui/src/app.tsx', 'tsconfig.json', 'tsconfig.build.json', 'package.json']) writeFileSync(join(root, file), 'x');
    const stamp = join(root, 'dist/.build-stamp');
    expect(await check(root)).toBe(1); // never built

    writeFileSync(join(root, 'dist/cli/index.js'), '');
    writeFileSync(join(root, 'dist/ui/index.html'), '');
    writeFileSync(stamp, '');
    const setAllTo = (time: Date) => {
      for (const path of ['src', 'src/cli', 'src/cli/index.ts', 'ui', 'ui/src', 'ui/src/app.tsx', 'tsconfig.json', 'tsconfig.build.json', 'package.json']) touch(join(root, path), time);
      touch(stamp, built);
    };
    setAllTo(past);
    expect(await check(root)).toBe(0);

    touch(join(root, 'src/cli/index.ts'), new Date());
    expect(await check(root)).toBe(1);
    setAllTo(past);

    writeFileSync(join(root, 'src/cli/new-command.ts'), 'x'); // also touches src/cli
    expect(await check(root)).toBe(1);
    rmSync(join(root, 'src/cli/new-command.ts'));
    setAllTo(past);
    expect(await check(root)).toBe(0);

    rmSync(join(root, 'ui/src/app.tsx')); // a removed file: only its directory's time says so
    expect(await check(root)).toBe(1);
    writeFileSync(join(root, 'ui/src/app.tsx'), 'x');
    setAllTo(past);

    touch(join(root, 'tsconfig.build.json'), new Date());
    expect(await check(root)).toBe(1);
    setAllTo(past);

    rmSync(join(root, 'dist/ui/index.html'));
    expect(await check(root)).toBe(1);
  });
});
