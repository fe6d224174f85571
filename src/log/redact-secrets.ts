// Secrets never reach the database, the logs or an export. Headers are not stored at all; what is
// stored or logged of a URL loses the values of its credential-bearing query parameters here, the
// one list shared by the log lines and the recording (the recorder applies it before an exchange
// is queued). The parameter's name is kept so the request still reads (`?key=[redacted]&alt=sse`).

/** Names providers and clouds use for a credential in the query (Gemini `key`, Azure `subscription-key`, `api-key`, OAuth `access_token`...). */
export const SECRET_QUERY_PARAMETERS: readonly string[] = [
  'key',
  'api-key',
  'api_key',
  'apikey',
  'x-api-key',
  'x-goog-api-key',
  'subscription-key',
  'ocp-apim-subscription-key',
  'access_token',
  'id_token',
  'refresh_token',
  'token',
  'auth',
  'password',
  'sig',
  'signature',
  'secret',
  'client_secret',
];

const EXACT = new Set(SECRET_QUERY_PARAMETERS);
/** Any other name that says it holds one (`x-amz-signature`, `sas_token`, `apiKey`, `my_secret`...). */
const SAYS_SECRET = /key|token|secret|signature|passw|credential/;

export const REDACTED = '[redacted]';

/** True when a query parameter of this (raw, possibly percent-encoded) name carries a credential. */
export function isSecretQueryParameter(rawName: string): boolean {
  let name = rawName.replace(/\+/g, ' ');
  try {
    name = decodeURIComponent(name);
  } catch {
    // A malformed escape: judge the name as written.
  }
  name = name.trim().toLowerCase();
  return EXACT.has(name) || SAYS_SECRET.test(name);
}

/** `path?query` with every credential-like parameter's value replaced by `[redacted]`. */
export function redactQuery(pathAndQuery: string): string {
  const queryStart = pathAndQuery.indexOf('?');
  if (queryStart === -1) return pathAndQuery;
  const hashStart = pathAndQuery.indexOf('#', queryStart);
  const queryEnd = hashStart === -1 ? pathAndQuery.length : hashStart;
  const parameters = pathAndQuery.slice(queryStart + 1, queryEnd).split('&');
  let changed = false;
  for (let index = 0; index < parameters.length; index++) {
    const parameter = parameters[index]!;
    const equals = parameter.indexOf('=');
    const name = equals === -1 ? parameter : parameter.slice(0, equals);
    if (equals === -1 || !isSecretQueryParameter(name)) continue;
    if (parameter.slice(equals + 1) === '') continue;
    parameters[index] = `${name}=${REDACTED}`;
    changed = true;
  }
  // A fragment never goes upstream, but a client may still send one: it is not kept either.
  if (!changed && hashStart === -1) return pathAndQuery;
  return `${pathAndQuery.slice(0, queryStart)}?${parameters.join('&')}`;
}
