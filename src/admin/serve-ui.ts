// Serves the built review UI (dist/ui, produced by `vite build --config ui/vite.config.ts`) with a
// strict Content-Security-Policy: scripts and styles only from this origin, no inline script, no
// eval, images only from here, data: or https: (conversation images), nothing may frame the page.
// Hashed assets are cached for good; index.html is revalidated. Text files are compressed once
// (brotli or gzip, as the browser accepts) and kept in memory: the whole app is a few hundred KB.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';

export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const UI_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': UI_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt']);

/** Where the built UI is: dist/ui next to the compiled server, or under the repository when running from src/. */
export function defaultUiDir(): string {
  const candidates = [new URL('../ui/', import.meta.url), new URL('../../dist/ui/', import.meta.url)].map((url) =>
    fileURLToPath(url),
  );
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0]!;
}

export interface UiFiles {
  serve(request: IncomingMessage, response: ServerResponse, pathname: string): Promise<void>;
}

interface CachedFile {
  mtimeMs: number;
  size: number;
  raw: Buffer;
  br?: Buffer;
  gzip?: Buffer;
}

const NOT_BUILT_PAGE = `<!doctype html><meta charset="utf-8"><title>Review UI not built</title>
<h1>The review UI is not built</h1><p>Run <code>npm run build</code> (or <code>npm run build:ui</code>) and reload.
The admin API under <code>/api/</code> works without it.</p>`;

export function createUiFiles(uiDir: string): UiFiles {
  const root = resolve(uiDir);
  const cache = new Map<string, CachedFile>();

  async function load(path: string): Promise<CachedFile | null> {
    const info = await stat(path).catch(() => null);
    if (info === null || !info.isFile()) return null;
    const cached = cache.get(path);
    if (cached !== undefined && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached;
    const file: CachedFile = { mtimeMs: info.mtimeMs, size: info.size, raw: await readFile(path) };
    cache.set(path, file);
    return file;
  }

  function send(request: IncomingMessage, response: ServerResponse, file: CachedFile, extension: string, immutable: boolean): void {
    const accepted = String(request.headers['accept-encoding'] ?? '');
    let body = file.raw;
    let encoding: string | null = null;
    if (COMPRESSIBLE.has(extension) && file.raw.length > 512) {
      if (/\bbr\b/u.test(accepted)) {
        file.br ??= brotliCompressSync(file.raw, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 9 } });
        body = file.br;
        encoding = 'br';
      } else if (/\bgzip\b/u.test(accepted)) {
        file.gzip ??= gzipSync(file.raw, { level: 9 });
        body = file.gzip;
        encoding = 'gzip';
      }
    }
    response.writeHead(200, {
      ...UI_HEADERS,
      'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
      'content-length': String(body.length),
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      vary: 'accept-encoding',
      ...(encoding === null ? {} : { 'content-encoding': encoding }),
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  return {
    async serve(request, response, pathname) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { ...UI_HEADERS, allow: 'GET, HEAD', 'content-length': '0' });
        response.end();
        return;
      }
      let relative: string;
      try {
        relative = normalize(decodeURIComponent(pathname)).replace(/^[/\\]+/u, '');
      } catch {
        relative = '\0';
      }
      const target = resolve(root, relative);
      const inside = target === root || target.startsWith(root + sep);
      if (inside && relative !== '' && !relative.includes('\0')) {
        const file = await load(target);
        if (file !== null) {
          send(request, response, file, extname(target), relative.startsWith(`assets${sep}`));
          return;
        }
      }
      // Unknown paths without an extension are app routes: answer with the page.
      if (relative !== '' && extname(relative) !== '') {
        response.writeHead(404, { ...UI_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
        response.end('not found');
        return;
      }
      const index = await load(join(root, 'index.html'));
      if (index === null) {
        response.writeHead(503, { ...UI_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        response.end(NOT_BUILT_PAGE);
        return;
      }
      send(request, response, index, '.html', false);
    },
  };
}
