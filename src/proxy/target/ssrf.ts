// Address classes the proxy never connects to on behalf of a client (unless the domain's entry
// allows private targets), checked at connect time on the resolved address, so DNS rebinding
// between an allowlist check and the connection cannot slip through.
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
const V4_RANGES: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
for (const [network, prefix] of V4_RANGES) blocked.addSubnet(network, prefix, 'ipv4');
const V6_RANGES: Array<[string, number]> = [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
  ['2001:db8::', 32], // documentation
  ['fd00:ec2::254', 128], // AWS metadata over IPv6
];
for (const [network, prefix] of V6_RANGES) blocked.addSubnet(network, prefix, 'ipv6');

/** True for private, loopback, link-local, metadata, multicast and reserved addresses. */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  const embedded = embeddedIpv4(address.toLowerCase());
  if (embedded) return blocked.check(embedded, 'ipv4');
  return blocked.check(address, 'ipv6');
}

/** IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible and NAT64 (64:ff9b::/96) addresses carry a v4 target. */
function embeddedIpv4(address: string): string | null {
  const match = /^(?:::ffff:(?:0:)?|::|64:ff9b::)((?:[0-9]{1,3}\.){3}[0-9]{1,3})$/.exec(address);
  if (match?.[1]) return match[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(address);
  if (hex?.[1] && hex[2]) {
    const high = parseInt(hex[1], 16);
    const low = parseInt(hex[2], 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return null;
}
