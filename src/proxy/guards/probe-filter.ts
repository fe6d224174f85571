// `probe_request` (SPEC.md section 1): scanner traffic is answered 404 quietly and never logged.
import { BlockList, isIP } from 'node:net';
import type { Config } from '../../config/schema.js';

export interface ProbeCheck {
  method: string;
  path: string;
  userAgent: string;
  clientIp: string;
}

export type ProbeFilter = (check: ProbeCheck) => boolean;

/** Returns a predicate: true when the request is a probe to be dropped. */
export function createProbeFilter(settings: Config['probe_request']): ProbeFilter {
  const paths = new Set(settings.path_blocklist);
  const prefixes = settings.path_prefix_blocklist;
  const agents = settings.user_agent_substrings.filter((agent) => agent !== '');
  const methods = new Set(settings.allowed_methods.map((method) => method.toUpperCase()));
  const ips = new BlockList();
  let hasIps = false;
  for (const entry of settings.ip_blocklist) {
    const [address, prefix] = entry.split('/');
    const family = isIP(address ?? '');
    if (family === 0) continue;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) ips.addAddress(address!, type);
    else ips.addSubnet(address!, Number(prefix), type);
    hasIps = true;
  }
  return (check) => {
    if (!methods.has(check.method)) return true;
    if (paths.has(check.path)) return true;
    for (const prefix of prefixes) if (check.path.startsWith(prefix)) return true;
    for (const agent of agents) if (check.userAgent.includes(agent)) return true;
    if (hasIps) {
      const family = isIP(check.clientIp);
      if (family !== 0 && ips.check(check.clientIp, family === 4 ? 'ipv4' : 'ipv6')) return true;
    }
    return false;
  };
}
