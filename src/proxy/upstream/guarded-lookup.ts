// DNS for upstream connections: a small TTL cache (LLM traffic goes to a handful of hosts) and the
// SSRF address check, applied to the address actually connected to. IP literals never reach a
// lookup (net.connect skips it): guardConnectTarget checks those, called by the agent's connector.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { ProxyError } from '../../errors.js';
import { canonicalHost, isBlockedAddress } from '../target/ssrf.js';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** Resolves every address of a name (node:dns lookup with `all: true`); injectable so tests can serve any answer. */
export type ResolveAll = (hostname: string, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemResolve: ResolveAll = (hostname, callback) => dnsLookup(hostname, { all: true }, callback);

export interface GuardOptions {
  /** Hosts allowed to be private, in canonicalHost's spelling (privateAllowedHosts). */
  allowPrivate: Set<string>;
  ttlMs: number;
  resolve?: ResolveAll;
}

function blockedError(hostname: string, what: string): ProxyError {
  return new ProxyError(
    'target_blocked',
    `refusing to connect to "${hostname}": ${what} a private, loopback or metadata address. For a local model server set "https": false or "allow_private": true on its allowed_domains entry`,
  );
}

/** The connect-time check for an IP-literal target; null when the connection may go ahead. */
export function guardConnectTarget(hostname: string, allowPrivate: Set<string>): ProxyError | null {
  if (isIP(hostname) === 0) return null; // a name: the guarded lookup judges what it resolves to
  if (allowPrivate.has(canonicalHost(hostname)) || !isBlockedAddress(hostname)) return null;
  return blockedError(hostname, 'it is');
}

export function createGuardedLookup(options: GuardOptions) {
  const cache = new Map<string, { addresses: LookupAddress[]; expires: number }>();
  const resolve = options.resolve ?? systemResolve;

  function answer(hostname: string, addresses: LookupAddress[], lookupOptions: LookupOptions, callback: LookupCallback): void {
    const usable = options.allowPrivate.has(canonicalHost(hostname)) ? addresses : addresses.filter((entry) => !isBlockedAddress(entry.address));
    if (usable.length === 0) {
      callback(blockedError(hostname, 'it resolves to') as unknown as NodeJS.ErrnoException, []);
      return;
    }
    if (lookupOptions.all) callback(null, usable);
    else callback(null, usable[0]!.address, usable[0]!.family);
  }

  return function guardedLookup(hostname: string, lookupOptions: LookupOptions, callback: LookupCallback): void {
    const cached = cache.get(hostname);
    if (cached && cached.expires > Date.now()) {
      answer(hostname, cached.addresses, lookupOptions, callback);
      return;
    }
    resolve(hostname, (error, addresses) => {
      if (error) {
        callback(error, []);
        return;
      }
      if (options.ttlMs > 0) cache.set(hostname, { addresses, expires: Date.now() + options.ttlMs });
      answer(hostname, addresses, lookupOptions, callback);
    });
  };
}
