import { IPv4, IPv6 } from 'ipaddr.js';

/** A parsed allowlist entry: a network and its prefix length, in one address family. */
export interface Cidr {
  readonly range: IPv4 | IPv6;
  readonly bits: number;
}

type Ip = IPv4 | IPv6;

const PREFIX = /^[0-9]{1,3}$/;

/**
 * Parses one allowlist entry: `a.b.c.d/n`, `v6::/n`, or a bare address (/32, /128). Strict: only
 * dotted-quad IPv4, no zone ids, prefix within the family. An IPv4-mapped IPv6 range
 * (`::ffff:10.0.0.0/104`) becomes the IPv4 range it names. Returns null when invalid.
 */
export function parseCidr(entry: string): Cidr | null {
  const slash = entry.indexOf('/');
  const addressText = slash === -1 ? entry : entry.slice(0, slash);
  const prefixText = slash === -1 ? null : entry.slice(slash + 1);
  const address = parseStrictIp(addressText, false);
  if (address === null) return null;
  const maxBits = address.kind() === 'ipv4' ? 32 : 128;
  let bits = maxBits;
  if (prefixText !== null) {
    if (!PREFIX.test(prefixText)) return null;
    bits = Number(prefixText);
    if (bits > maxBits) return null;
  }
  if (address.kind() === 'ipv6' && bits >= 96 && (address as IPv6).isIPv4MappedAddress()) {
    return { range: (address as IPv6).toIPv4Address(), bits: bits - 96 };
  }
  return { range: address, bits };
}

/**
 * Parses a client address as seen on a socket. IPv4-mapped IPv6 (`::ffff:10.0.0.1`, what a
 * dual-stack server reports for IPv4 clients) becomes the IPv4 address. Returns null when invalid.
 */
export function parseClientIp(text: string): Ip | null {
  const address = parseStrictIp(text, true);
  if (address !== null && address.kind() === 'ipv6' && (address as IPv6).isIPv4MappedAddress()) {
    return (address as IPv6).toIPv4Address();
  }
  return address;
}

const compiled = new WeakMap<readonly string[], readonly Cidr[]>();

/** The valid entries of an allowlist, parsed once per list (cached by the list's identity). */
export function compileAllowlist(entries: readonly string[]): readonly Cidr[] {
  let cidrs = compiled.get(entries);
  if (cidrs === undefined) {
    cidrs = entries.map(parseCidr).filter((cidr): cidr is Cidr => cidr !== null);
    compiled.set(entries, cidrs);
  }
  return cidrs;
}

/**
 * Whether the client address is inside one of the allowlist's ranges. Fails closed: a missing or
 * unparsable client address matches nothing, and so does an invalid entry. IPv4 addresses match
 * IPv4 ranges and IPv6 addresses IPv6 ranges (mapped forms are converted to IPv4 first).
 */
export function ipAllowed(allowedIps: readonly string[], clientIp: string | null): boolean {
  if (clientIp === null) return false;
  const cidrs = compileAllowlist(allowedIps);
  if (cidrs.length === 0) return false;
  const client = parseClientIp(clientIp);
  if (client === null) return false;
  const kind = client.kind();
  for (const cidr of cidrs) {
    if (cidr.range.kind() === kind && client.match(cidr.range, cidr.bits)) return true;
  }
  return false;
}

function parseStrictIp(text: string, allowZone: boolean): Ip | null {
  if (text.includes(':')) {
    if (!allowZone && text.includes('%')) return null;
    return IPv6.isValid(text) ? IPv6.parse(text) : null;
  }
  return IPv4.isValidFourPartDecimal(text) ? IPv4.parse(text) : null;
}
