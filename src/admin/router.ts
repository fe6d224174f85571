// The admin server's request handler: /api/* goes through the guard and then the first route whose
// method and path match (routes are plain objects, one file per resource under routes/); every
// other GET serves the review UI. Errors are rendered once here, as ApiErrorBody.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { PrivacyPolicy } from '../privacy/privacy-policy.js';
import type { RecordScanner } from '../privacy/record-scanner.js';
import type { Store } from '../store/store.js';
import { AdminError } from './admin-error.js';
import type { Guard } from './guard.js';
import { sendJson } from './http-io.js';
import { bulkRoutes } from './routes/bulk.js';
import { exchangeRoutes } from './routes/exchanges.js';
import { exportRoutes } from './routes/export.js';
import { findingsRoutes } from './routes/findings.js';
import { sessionRoutes } from './routes/session.js';
import { statsRoutes } from './routes/stats.js';
import { threadRoutes } from './routes/threads.js';
import type { UiFiles } from './serve-ui.js';

export interface AdminDeps {
  store: Store;
  logger: Logger;
  guard: Guard;
  version: string;
  now: () => number;
  /** The background privacy scan of this process (null when none runs). */
  scanner?: RecordScanner | null;
  /** config.json `export.privacy` as a policy: the UI's export cleans with it, its marks leave the allowlist out. Default: the export's defaults. */
  privacy?: PrivacyPolicy;
}

export interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  /** Decoded capture groups of the route's pattern. */
  params: string[];
  query: URLSearchParams;
  deps: AdminDeps;
}

export interface RouteResult {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Matched against the path (without the query string). */
  pattern: RegExp;
  /** Reachable without the admin token (the sign-in endpoints). CSRF checks still apply. */
  open?: boolean;
  /** A result to send as JSON, or undefined when the handler wrote the response itself (a download). */
  handle(context: RouteContext): Promise<RouteResult | undefined>;
}

export const apiRoutes: readonly Route[] = [...sessionRoutes, ...exchangeRoutes, ...threadRoutes, ...bulkRoutes, ...statsRoutes, ...exportRoutes, ...findingsRoutes];

export function createAdminHandler(
  deps: AdminDeps,
  ui: UiFiles,
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://admin.invalid');
    if (url.pathname !== '/api' && !url.pathname.startsWith('/api/')) {
      await ui.serve(request, response, url.pathname);
      return;
    }
    try {
      const matching = apiRoutes.filter((route) => route.pattern.test(url.pathname));
      const route = matching.find((candidate) => candidate.method === request.method);
      deps.guard.check(request, { open: route?.open ?? false });
      if (route === undefined) {
        if (matching.length === 0) throw new AdminError('not_found', `no API endpoint ${url.pathname}; see the README's "Review UI" section`);
        response.setHeader('allow', [...new Set(matching.map((candidate) => candidate.method))].join(', '));
        throw new AdminError('method_not_allowed', `${request.method ?? ''} is not allowed on ${url.pathname}`);
      }
      const params = (route.pattern.exec(url.pathname) ?? []).slice(1).map(decodePathPart);
      const result = await route.handle({ request, response, params, query: url.searchParams, deps });
      if (result !== undefined) sendJson(response, result.status ?? 200, result.body, result.headers);
    } catch (error) {
      sendError(response, error, deps.logger);
    }
  };
}

/** A capture group of the path, decoded; a malformed escape (`%E0%A4%A`) is the client's mistake, not ours. */
function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new AdminError('bad_request', `malformed percent-encoding in the path segment "${part.slice(0, 80)}"`);
  }
}

function sendError(response: ServerResponse, error: unknown, logger: Logger): void {
  const adminError =
    error instanceof AdminError ? error : new AdminError('internal_error', 'internal error; see the server log', { cause: error });
  if (adminError.status >= 500) logger.error({ err: error }, 'admin API error');
  if (response.headersSent) {
    // A download that failed half-way: cut the connection so the client sees an incomplete file.
    response.destroy(adminError);
    return;
  }
  sendJson(response, adminError.status, adminError.toBody());
}
