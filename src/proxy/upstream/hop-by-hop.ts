// RFC 9110 section 7.6.1: hop-by-hop headers are not forwarded, nor any header named in Connection.

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

export function isHopByHop(name: string, connectionTokens: ReadonlySet<string> | null): boolean {
  return HOP_BY_HOP.has(name) || (connectionTokens !== null && connectionTokens.has(name));
}

export function connectionTokensOf(value: string | string[] | undefined): Set<string> | null {
  if (value === undefined) return null;
  const joined = Array.isArray(value) ? value.join(',') : value;
  const tokens = new Set<string>();
  for (const token of joined.split(',')) {
    const name = token.trim().toLowerCase();
    if (name) tokens.add(name);
  }
  return tokens.size === 0 ? null : tokens;
}
