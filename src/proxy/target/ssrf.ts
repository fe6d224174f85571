// Address classes the proxy never connects to on behalf of a client (unless the domain's entry
// allows private targets), checked at connect time on the address actually connected to, so DNS
// rebinding between an allowlist check and the connection cannot slip through.
//
// The classes are ipaddr.js's special-purpose ranges (IANA registries, RFC 6890 and successors):
// anything but global unicast is refused. An IPv6 address that carries an IPv4 address is judged
// by the IPv4 address it leads to, so `2002:a9fe:a9fe::1` (6to4 for 169.254.169.254) is metadata,
// not public.
import ipaddr from 'ipaddr.js';

type Ipv4 = ipaddr.IPv4;
type Ipv6 = ipaddr.IPv6;

/** True for private, loopback, link-local, metadata, multicast and reserved addresses (and for anything unparsable). */
export function isBlockedAddress(address: string): boolean {
  let parsed: Ipv4 | Ipv6;
  try {
    // parse() also accepts inet_aton forms (`127.1`, `0x7f000001`): they are judged as what they mean.
    parsed = ipaddr.parse(address);
  } catch {
    return true;
  }
  if (parsed.kind() === 'ipv4') return (parsed as Ipv4).range() !== 'unicast';
  const v6 = parsed as Ipv6;
  const embedded = embeddedIpv4(v6);
  if (embedded) return embedded.length === 0 || embedded.some((v4) => v4.range() !== 'unicast');
  return v6.range() !== 'unicast';
}

/**
 * The IPv4 addresses an IPv6 address leads to, or null when it embeds none. Every candidate
 * position is returned where a prefix has more than one (the proxy refuses if any is private).
 */
function embeddedIpv4(address: Ipv6): Ipv4[] | null {
  const parts = address.parts;
  const at = (high: number, low: number) =>
    new ipaddr.IPv4([parts[high]! >> 8, parts[high]! & 255, parts[low]! >> 8, parts[low]! & 255]);
  switch (address.range()) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d (RFC 4291 §2.5.5.2)
    case 'rfc6145': // ::ffff:0:a.b.c.d (SIIT, RFC 6145)
      return [at(6, 7)];
    case 'rfc6052': {
      // 64:ff9b::/96 (RFC 6052) carries the address in the last 32 bits; the local-use
      // 64:ff9b:1::/48 (RFC 8215) may use the /48 layout (bits 48-63 and 72-87, skipping the
      // u-octet) or a longer prefix with the address last: both are judged.
      const last = at(6, 7);
      if (parts[1] === 0xff9b && parts[2] === 0) return [last];
      const slash48 = new ipaddr.IPv4([parts[3]! >> 8, parts[3]! & 255, parts[4]! & 255, parts[5]! >> 8]);
      return [last, slash48];
    }
    case '6to4': // 2002:AABB:CCDD::/48 (RFC 3056 §2)
      return [at(1, 2)];
    case 'teredo': {
      // 2001:0:SSSS:SSSS:flags:port:CCCC:CCCC: server address, then the client's, bit-inverted (RFC 4380 §4).
      const client = new ipaddr.IPv4([(~parts[6]! >> 8) & 255, ~parts[6]! & 255, (~parts[7]! >> 8) & 255, ~parts[7]! & 255]);
      return [at(2, 3), client];
    }
    default:
      // IPv4-compatible ::a.b.c.d (RFC 4291 §2.5.5.1, deprecated): ipaddr.js calls it unicast.
      // `::` and `::1` are left to their own classes.
      if (parts.slice(0, 6).every((part) => part === 0) && (parts[6] !== 0 || parts[7]! > 1)) return [at(6, 7)];
      return null;
  }
}

/** One spelling per address (`[0:0::1]`, `::1` and `[::1]` alike), so allowlist entries and connect targets compare equal. */
export function canonicalHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (!ipaddr.isValid(bare)) return bare.toLowerCase();
  const parsed = ipaddr.parse(bare);
  return parsed.kind() === 'ipv6' ? (parsed as Ipv6).toNormalizedString() : parsed.toString();
}
