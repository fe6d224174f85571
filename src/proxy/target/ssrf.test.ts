import { describe, expect, it } from 'vitest';
import { canonicalHost, isBlockedAddress } from './ssrf.js';

const BLOCKED: Array<[string, string]> = [
  ['loopback', '127.0.0.3'],
  ['metadata', '169.254.169.254'],
  ['private 10/8', '10.1.2.3'],
  ['carrier-grade NAT', '100.64.0.1'],
  ['this network', '0.0.0.0'],
  ['broadcast', '255.255.255.255'],
  ['IPv6 loopback', '::1'],
  ['IPv6 unspecified', '::'],
  ['unique local (AWS metadata over IPv6)', 'fd00:ec2::254'],
  ['IPv6 link-local with zone', 'fe80::1%eth0'],
  ['IPv4-mapped loopback', '::ffff:127.0.0.1'],
  ['IPv4-mapped hex', '::ffff:7f00:1'],
  ['SIIT-translated', '::ffff:0:a9fe:a9fe'],
  ['IPv4-compatible loopback', '::7f00:1'],
  ['IPv4-compatible metadata', '::169.254.169.254'],
  ['6to4 of metadata', '2002:a9fe:a9fe::1'],
  ['6to4 of 10/8', '2002:0a00:0001::'],
  ['Teredo whose client is loopback', '2001:0:4136:e378:8000:63bf:80ff:fffe'],
  ['Teredo whose server is private', '2001:0:0a00:0001:8000:63bf:3fff:fdd2'],
  ['NAT64 of loopback', '64:ff9b::7f00:1'],
  ['NAT64 of metadata, dotted', '64:ff9b::169.254.169.254'],
  ['local-use NAT64 /96 of metadata', '64:ff9b:1::a9fe:a9fe'],
  ['local-use NAT64 /48 of 10.0.0.1', '64:ff9b:1:a00:0:100::'],
  ['not an address', 'api.openai.com'],
];

const PUBLIC: Array<[string, string]> = [
  ['public v4', '1.1.1.1'],
  ['public v6', '2606:4700:4700::1111'],
  ['IPv4-mapped public', '::ffff:1.1.1.1'],
  ['6to4 of a public address', '2002:0101:0101::1'],
  ['Teredo with public server and client', '2001:0:4136:e378:8000:63bf:fefe:fefe'],
  ['NAT64 of a public address', '64:ff9b::101:101'],
];

describe('isBlockedAddress', () => {
  it.each(BLOCKED)('refuses %s (%s)', (_name, address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });
  it.each(PUBLIC)('lets %s (%s) through', (_name, address) => {
    expect(isBlockedAddress(address)).toBe(false);
  });
});

describe('canonicalHost', () => {
  it('spells one IPv6 address one way, bracketed or not', () => {
    expect(canonicalHost('[::1]')).toBe(canonicalHost('0:0::1'));
    expect(canonicalHost('[::ffff:127.0.0.1]')).toBe(canonicalHost('::ffff:7f00:1'));
  });
  it('reads inet_aton IPv4 forms as the address they mean and lower-cases names', () => {
    expect(canonicalHost('2130706433')).toBe('127.0.0.1');
    expect(canonicalHost('LocalHost')).toBe('localhost');
  });
});
