// DNS for upstream connections: a small TTL cache (LLM traffic goes to a handful of hosts) and the
// SSRF address check, applied to the address actually connected to.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { ProxyError } from '../../errors.js';
import { isBlockedAddress } from '../target/ssrf.js';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

export function createGuardedLookup(options: { allowPrivate: Set<string>; ttlMs: number }) {
  const cache = new Map<string, { addresses: LookupAddress[]; expires: number }>();

  function answer(hostname: string, addresses: LookupAddress[], lookupOptions: LookupOptions, callback: LookupCallback): void {
    const usable = options.allowPrivate.has(hostname) ? addresses : addresses.filter((entry) => !isBlockedAddress(entry.address));
    if (usable.length === 0) {
      const error = new ProxyError(
        'target_blocked',
        `refusing to connect to "${hostname}": it resolves to a private, loopback or metadata address. For a local model server set "https": false or "allow_private": true on its allowed_domains entry`,
      ) as unknown as NodeJS.ErrnoException;
      callback(error, []);
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
    dnsLookup(hostname, { all: true }, (error, addresses) => {
      if (error) {
        callback(error, []);
        return;
      }
      if (options.ttlMs > 0) cache.set(hostname, { addresses, expires: Date.now() + options.ttlMs });
      answer(hostname, addresses, lookupOptions, callback);
    });
  };
}
