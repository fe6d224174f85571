// Validates what the admin API receives (query strings and JSON bodies) at the boundary, with zod,
// and maps the API's filter onto the store's ListFilter.
import { z } from 'zod';
import { FINDINGS_FILTERS, type ListFilter } from '../store/store.js';
import { AdminError } from './admin-error.js';
import { API_KINDS, REVIEW_STATES, type ApiFilter } from './api-types.js';

const MAX_TEXT = 1_000;

const reviewState = z.enum(REVIEW_STATES);
const epochMs = z.number().int().min(0).max(8.64e15);

/** The filter as a JSON object (POST bodies). Unknown keys are refused: a typo must not widen a bulk delete. */
export const apiFilterSchema = z.strictObject({
  state: reviewState.optional(),
  model: z.string().max(MAX_TEXT).optional(),
  domain: z.string().max(MAX_TEXT).optional(),
  apiKind: z.enum(API_KINDS).optional(),
  since: epochMs.optional(),
  until: epochMs.optional(),
  hasTools: z.boolean().optional(),
  functionCallOnly: z.boolean().optional(),
  sideCall: z.boolean().optional(),
  client: z.string().max(MAX_TEXT).optional(),
  hasError: z.boolean().optional(),
  q: z.string().max(MAX_TEXT).optional(),
  tag: z.string().min(1).max(MAX_TEXT).optional(),
  findings: z.enum(FINDINGS_FILTERS).optional(),
});

const id = z.string().min(1).max(64);

/** A record id as the recorder makes them (a ULID: 26 Crockford base-32 characters); list cursors are record ids. */
export const recordIdParam = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/u, 'expected a record id (26 characters, from a nextCursor)');

export const selectionSchema = z.union([
  z.strictObject({ ids: z.array(id).max(10_000) }),
  z.strictObject({ filter: apiFilterSchema, throughId: id.optional() }),
]);

export const shareGptRowSchema = z.object({
  conversations: z
    .array(z.object({ from: z.enum(['human', 'gpt', 'function_call', 'observation']), value: z.string() }))
    .max(10_000),
  system: z.string(),
  tools: z.string(),
  images: z.array(z.string()).max(1_000),
});

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new AdminError('bad_request', `invalid request body: ${z.prettifyError(result.error)}`);
  return result.data;
}

const booleanParam = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');
const integerParam = z
  .string()
  .regex(/^\d{1,16}$/u, 'expected a whole number')
  .transform(Number);

const queryFilterSchema = z.object({
  state: reviewState.optional(),
  model: z.string().max(MAX_TEXT).optional(),
  domain: z.string().max(MAX_TEXT).optional(),
  apiKind: z.enum(API_KINDS).optional(),
  since: integerParam.optional(),
  until: integerParam.optional(),
  hasTools: booleanParam.optional(),
  functionCallOnly: booleanParam.optional(),
  sideCall: booleanParam.optional(),
  client: z.string().max(MAX_TEXT).optional(),
  hasError: booleanParam.optional(),
  q: z.string().max(MAX_TEXT).optional(),
  tag: z.string().max(MAX_TEXT).optional(),
  findings: z.enum(FINDINGS_FILTERS).optional(),
});

/** Query parameters as an object, dropping empty values (an empty select means "any"). */
function queryObject(query: URLSearchParams): Record<string, string> {
  const object: Record<string, string> = {};
  for (const [key, value] of query) if (value !== '') object[key] = value;
  return object;
}

export function parseQuery<T>(schema: z.ZodType<T>, query: URLSearchParams): T {
  const result = schema.safeParse(queryObject(query));
  if (!result.success) throw new AdminError('bad_request', `invalid query: ${z.prettifyError(result.error)}`);
  return result.data;
}

/** The filter from a GET's query string (other parameters are left to the route). */
export function filterFromQuery(query: URLSearchParams): ApiFilter {
  const parsed = parseQuery(queryFilterSchema, query);
  const filter: ApiFilter = {};
  for (const [key, value] of Object.entries(parsed)) if (value !== undefined) (filter as Record<string, unknown>)[key] = value;
  return filter;
}

export function toListFilter(filter: ApiFilter, throughId?: string): ListFilter {
  const list: ListFilter = {};
  if (filter.state !== undefined) list.reviewState = filter.state;
  if (filter.model !== undefined) list.model = filter.model;
  if (filter.domain !== undefined) list.domain = filter.domain;
  if (filter.apiKind !== undefined) list.apiKind = filter.apiKind;
  if (filter.since !== undefined) list.since = filter.since;
  if (filter.until !== undefined) list.until = filter.until;
  if (filter.hasTools !== undefined) list.hasTools = filter.hasTools;
  if (filter.functionCallOnly !== undefined) list.functionCallOnly = filter.functionCallOnly;
  if (filter.sideCall !== undefined) list.sideCall = filter.sideCall;
  if (filter.client !== undefined) list.client = filter.client;
  if (filter.hasError !== undefined) list.hasError = filter.hasError;
  if (filter.q !== undefined && filter.q.trim() !== '') list.search = filter.q;
  if (filter.tag !== undefined) list.tag = filter.tag;
  if (filter.findings !== undefined) list.findings = filter.findings;
  if (throughId !== undefined) list.throughId = throughId;
  return list;
}

export { booleanParam, integerParam };
