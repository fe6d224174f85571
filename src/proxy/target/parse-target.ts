// Turns `/{host[:port]}/{api_path}?{query}` into an upstream target, refusing anything that could
// smuggle a different host past the allowlist: userinfo, encoded separators, IP literals in any
// notation, CR/LF, dot-segments. Pure: the allowlist decides afterwards, DNS is checked at connect.
import { ProxyError } from '../../errors.js';

export interface ParsedTarget {
  /** Lower-cased `host` or `host:port`, the allowlist key. */
  authority: string;
  hostname: string;
  port: number | undefined;
  /** `/api/path?query` exactly as the client sent it after the domain segment. */
  pathAndQuery: string;
  /** The path without the query. */
  path: string;
  /** True when the host is an IP literal (v4 in any notation, or v6). */
  isIpLiteral: boolean;
}

const LABEL = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;
const NUMERIC_LABEL = /^(?:0x[0-9a-f]*|[0-9]+)$/;

function invalid(reason: string): ProxyError {
  return new ProxyError(
    'invalid_target',
    `invalid target: ${reason}. Use http://<proxy>/{target_domain}/{api_path}, e.g. /api.openai.com/v1/chat/completions`,
  );
}

export function parseTarget(rawUrl: string): ParsedTarget {
  if (/[\r\n\0]|%0[ad]|%00/i.test(rawUrl)) throw invalid('control characters in the URL');
  if (!rawUrl.startsWith('/')) throw invalid('the URL must start with /');
  const scheme = /^\/(https?):\/*/i.exec(rawUrl);
  if (scheme) {
    const path = rawUrl.slice(scheme[0].length).split('?')[0];
    throw invalid(`drop the scheme: write /${path}, not /${scheme[1]}://${path} (the proxy always calls https unless the allowlist entry says "https": false)`);
  }
  const slash = rawUrl.indexOf('/', 1);
  const query = rawUrl.indexOf('?');
  let authorityEnd = slash === -1 ? rawUrl.length : slash;
  if (query !== -1 && query < authorityEnd) authorityEnd = query;
  const authorityRaw = rawUrl.slice(1, authorityEnd);
  let pathAndQuery = rawUrl.slice(authorityEnd);
  if (pathAndQuery === '' ) pathAndQuery = '/';
  else if (pathAndQuery.startsWith('?')) pathAndQuery = '/' + pathAndQuery;

  if (authorityRaw === '') throw invalid('empty target domain');
  if (/[%@\\\s#]/.test(authorityRaw)) throw invalid('the target domain contains a forbidden character (%, @, \\, #)');

  const { hostname, port } = splitAuthority(authorityRaw.toLowerCase());
  const isIpLiteral = hostname.startsWith('[') || isIpv4Like(hostname);
  if (!isIpLiteral) {
    if (hostname.length > 253) throw invalid('host name too long');
    const labels = hostname.split('.');
    if (labels.length < 2 && hostname !== 'localhost') throw invalid(`"${hostname}" is not a domain name`);
    for (const label of labels) {
      if (!LABEL.test(label)) throw invalid(`malformed host "${hostname}"`);
    }
  }

  const queryStart = pathAndQuery.indexOf('?');
  const path = queryStart === -1 ? pathAndQuery : pathAndQuery.slice(0, queryStart);
  if (/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(path) || /%2f|%5c/i.test(path)) {
    throw invalid('dot-segments or encoded slashes in the path');
  }

  return {
    authority: port === undefined ? hostname : `${hostname}:${port}`,
    hostname,
    port,
    pathAndQuery,
    path,
    isIpLiteral,
  };
}

function splitAuthority(authority: string): { hostname: string; port: number | undefined } {
  let hostname = authority;
  let portText: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close === -1) throw invalid('unterminated IPv6 literal');
    hostname = authority.slice(0, close + 1);
    const rest = authority.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) throw invalid('malformed IPv6 authority');
      portText = rest.slice(1);
    }
  } else {
    const colon = authority.indexOf(':');
    if (colon !== -1) {
      hostname = authority.slice(0, colon);
      portText = authority.slice(colon + 1);
    }
  }
  if (hostname === '' || hostname === '[]') throw invalid('empty host');
  if (portText === undefined) return { hostname, port: undefined };
  if (!/^[0-9]{1,5}$/.test(portText)) throw invalid(`malformed port "${portText}"`);
  const port = Number(portText);
  if (port < 1 || port > 65535) throw invalid(`port ${port} out of range`);
  return { hostname, port };
}

/**
 * WHATWG URL parsers (and inet_aton) read `2130706433`, `0x7f.1`, `0177.0.0.1` and `127.1` as IPv4
 * addresses: a host whose last label is numeric or hex is treated as an IP literal. No public
 * top-level domain is numeric, so this refuses nothing legitimate.
 */
function isIpv4Like(hostname: string): boolean {
  const last = hostname.slice(hostname.lastIndexOf('.') + 1);
  return last === '' ? /[0-9]/.test(hostname) : NUMERIC_LABEL.test(last);
}
