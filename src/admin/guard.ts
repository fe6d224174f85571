// Who may use the admin API, checked before any route runs:
// - Bind safety: serving anything but loopback requires an admin token (checked at start-up).
// - Authentication: with a token configured, `Authorization: Bearer <token>` (scripts) or the
//   session cookie that POST /api/session sets (the page). Without one, only loopback clients
//   can connect, and the Host header must name loopback too, so a DNS-rebinding page cannot
//   reach the API through a name of its own.
// - CSRF: a request that changes something must carry `x-requested-with: llm-proxy-ui` and, when
//   it has a body, a JSON content type. A cross-site form can send neither; a cross-site fetch
//   that sets them needs a CORS preflight, which this server never grants. Browsers' own
//   Sec-Fetch-Site header, when present, must say same-origin (or none: a typed URL).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { AdminConfigError, AdminError } from './admin-error.js';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from './api-types.js';

export const SESSION_COOKIE = 'llmproxy_admin';
export const MIN_ADMIN_TOKEN_LENGTH = 16;

const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ALLOWED_FETCH_SITES = new Set(['same-origin', 'none']);

/** True for addresses and names that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const lower = bare.toLowerCase();
  if (lower === 'localhost' || lower.endsWith('.localhost')) return true;
  if (isIP(lower) === 4) return lower.startsWith('127.');
  if (isIP(lower) === 6) return lower === '::1' || lower.startsWith('::ffff:127.');
  return false;
}

/** Start-up check: refuses a non-loopback bind without a token, and a token too short to be secret. */
/** `hostFlag`: the option that sets the UI's address in the command at hand (`ui` has `--host`). */
export function assertSafeBind(host: string, adminToken: string | null, hostFlag = '--ui-host'): void {
  if (adminToken !== null && adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new AdminConfigError(
      `the admin token is shorter than ${MIN_ADMIN_TOKEN_LENGTH} characters; use a long random one, e.g. "openssl rand -hex 24"`,
    );
  }
  if (adminToken === null && !isLoopbackHost(host)) {
    throw new AdminConfigError(
      `refusing to serve the review UI on ${host} without an admin token: anyone who can reach it could read and ` +
        'delete your recordings. Set --admin-token (or ADMIN_TOKEN) to a long random secret, e.g. "openssl rand -hex 24", ' +
        `or bind it to 127.0.0.1 (${hostFlag}).`,
    );
  }
}

/** The Host header's name without its port. */
function hostName(header: string | undefined): string {
  if (header === undefined) return '';
  if (header.startsWith('[')) return header.slice(0, header.indexOf(']') + 1);
  const colon = header.lastIndexOf(':');
  return colon === -1 ? header : header.slice(0, colon);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Constant-time equality of two secrets of any length. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The session cookie's value: derived from the token, so changing the token signs everybody out. */
export function sessionValue(adminToken: string): string {
  return createHmac('sha256', adminToken).update('llm-proxy-sharegpt admin session v1').digest('base64url');
}

function readCookie(header: string | undefined, name: string): string | null {
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const equals = part.indexOf('=');
    if (equals !== -1 && part.slice(0, equals).trim() === name) return part.slice(equals + 1).trim();
  }
  return null;
}

export interface Guard {
  tokenRequired: boolean;
  /** Whether this request may use the API. */
  authenticated(request: IncomingMessage): boolean;
  /** Throws the AdminError that refuses the request, if any. `open` routes skip authentication. */
  check(request: IncomingMessage, route: { open?: boolean }): void;
  /** Whether `token` is the admin token (for POST /api/session). */
  acceptsToken(token: string): boolean;
  /** Set-Cookie value for a new session, or for signing out (`null`). */
  sessionCookie(signIn: boolean): string;
}

export function createGuard(adminToken: string | null): Guard {
  const expectedSession = adminToken === null ? null : sessionValue(adminToken);
  const authenticated = (request: IncomingMessage): boolean => {
    if (adminToken === null) return true;
    const authorization = request.headers.authorization;
    if (authorization !== undefined && /^bearer\s+/i.test(authorization)) {
      return sameSecret(authorization.replace(/^bearer\s+/i, '').trim(), adminToken);
    }
    const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
    return cookie !== null && expectedSession !== null && sameSecret(cookie, expectedSession);
  };
  return {
    tokenRequired: adminToken !== null,
    authenticated,
    acceptsToken: (token) => adminToken !== null && sameSecret(token, adminToken),
    sessionCookie(signIn) {
      const base = `${SESSION_COOKIE}=%VALUE%; Path=/; HttpOnly; SameSite=Strict`;
      return signIn && expectedSession !== null
        ? base.replace('%VALUE%', expectedSession)
        : `${base.replace('%VALUE%', '')}; Max-Age=0`;
    },
    check(request, route) {
      if (adminToken === null && !isLoopbackHost(hostName(request.headers.host))) {
        throw new AdminError(
          'forbidden',
          'the Host header must name this machine (localhost or 127.0.0.1) when no admin token is set',
        );
      }
      const site = request.headers['sec-fetch-site'];
      if (typeof site === 'string' && !ALLOWED_FETCH_SITES.has(site)) {
        throw new AdminError('forbidden', `cross-site request refused (Sec-Fetch-Site: ${site})`);
      }
      if (!route.open && !authenticated(request)) {
        throw new AdminError('unauthorized', 'the admin token is required: send "Authorization: Bearer <token>" or sign in on the page');
      }
      const method = request.method ?? 'GET';
      if (!MUTATING_METHODS.has(method)) return;
      if (request.headers[CSRF_HEADER]?.toString().toLowerCase() !== CSRF_HEADER_VALUE) {
        throw new AdminError(
          'forbidden',
          `requests that change something must send the header "${CSRF_HEADER}: ${CSRF_HEADER_VALUE}" (CSRF protection)`,
        );
      }
      const hasBody =
        request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? '0') > 0;
      if (method !== 'DELETE' || hasBody) {
        const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (type !== 'application/json') {
          throw new AdminError('unsupported_media_type', 'send the body as JSON with "Content-Type: application/json"');
        }
      }
    },
  };
}
