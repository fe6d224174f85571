// Secrets never reach the database, the logs or an export. Headers are not stored at all; what is
// stored of the URL loses its credential-bearing query parameters here.

const SECRET_QUERY = /([?&](?:key|api[_-]?key|apikey|token|access[_-]?token|auth|password|secret|sig|signature)=)[^&#]*/gi;

export function redactQuery(pathAndQuery: string): string {
  return pathAndQuery.includes('?') ? pathAndQuery.replace(SECRET_QUERY, '$1[redacted]') : pathAndQuery;
}
