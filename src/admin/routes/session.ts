// GET /api/session (may I use the API?), POST /api/session (sign in with the admin token: sets the
// session cookie), DELETE /api/session (sign out). Open routes: reachable without the token.
import { AdminError } from '../admin-error.js';
import type { LoginRequest, SessionResponse } from '../api-types.js';
import { readJsonBody } from '../http-io.js';
import { parseBody } from '../parse-request.js';
import type { Route } from '../router.js';
import { z } from 'zod';

const loginSchema: z.ZodType<LoginRequest> = z.strictObject({ token: z.string().max(1_000) });

export const sessionRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/session$/u,
    open: true,
    async handle({ request, deps }) {
      const body: SessionResponse = {
        authenticated: deps.guard.authenticated(request),
        tokenRequired: deps.guard.tokenRequired,
        version: deps.version,
      };
      return { body };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/session$/u,
    open: true,
    async handle({ request, deps }) {
      const { token } = parseBody(loginSchema, await readJsonBody(request));
      if (!deps.guard.tokenRequired) return { status: 200, body: { authenticated: true } };
      if (!deps.guard.acceptsToken(token)) throw new AdminError('unauthorized', 'wrong admin token');
      return { body: { authenticated: true }, headers: { 'set-cookie': deps.guard.sessionCookie(true) } };
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/api\/session$/u,
    open: true,
    async handle({ deps }) {
      return { body: { authenticated: !deps.guard.tokenRequired }, headers: { 'set-cookie': deps.guard.sessionCookie(false) } };
    },
  },
];
