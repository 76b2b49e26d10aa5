/**
 * Which addresses a hub may deliver to. A callback must reach a public host: loopback, private,
 * link-local, shared (CGNAT), documentation, multicast and other reserved ranges would let anyone
 * allowed to register a listener make this server send requests into its own network (SSRF).
 */
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // shared address space (carrier-grade NAT)
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128], // unspecified
  ['::1', 128],
  ['::', 96], // IPv4-compatible (deprecated)
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID…)
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const)
  blocked.addSubnet(net, bits, 'ipv6');

/** The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4), if any. */
function embeddedIpv4(v6: string): string | undefined {
  const lower = v6.toLowerCase();
  const dotted = /^(?:::ffff:|::ffff:0:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const words = expandIpv6(lower);
  if (!words) return undefined;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  // ::ffff:a.b.c.d written in hex words
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) return v4(words[6]!, words[7]!);
  // 64:ff9b::/96 (NAT64)
  if (words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0))
    return v4(words[6]!, words[7]!);
  // 2002::/16 (6to4): the IPv4 address is in words 1 and 2
  if (words[0] === 0x2002) return v4(words[1]!, words[2]!);
  return undefined;
}

/** Eight 16-bit words of an IPv6 address without a dotted tail; undefined otherwise. */
function expandIpv6(v6: string): number[] | undefined {
  const addr = v6.split('%')[0]!;
  if (addr.includes('.')) return undefined;
  const [head, tail] = addr.split('::') as [string, string | undefined];
  const parse = (s: string) => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  const h = parse(head);
  const t = tail === undefined ? [] : parse(tail);
  const fill = tail === undefined ? [] : new Array<number>(8 - h.length - t.length).fill(0);
  const words = [...h, ...fill, ...t];
  return words.length === 8 && words.every((w) => Number.isInteger(w)) ? words : undefined;
}

/** True when `ip` (IPv4 or IPv6 text) is a public unicast address a callback may go to. */
export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip.split('%')[0]!);
  if (family === 4) return !blocked.check(ip, 'ipv4');
  if (family !== 6) return false;
  const bare = ip.split('%')[0]!;
  const v4 = embeddedIpv4(bare);
  if (v4 !== undefined && !isPublicAddress(v4)) return false;
  return !blocked.check(bare, 'ipv6');
}

export type CallbackProblem = { problem: string };

/**
 * The shape of a callback URL: http(s), a host, no credentials, no fragment. Says nothing about
 * where the host points (that needs name resolution, done by the caller).
 */
export function parseCallback(text: string): URL | CallbackProblem {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: 'must be an absolute http:// or https:// URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { problem: 'must be an absolute http:// or https:// URL' };
  if (!url.hostname) return { problem: 'must name a host' };
  if (url.username || url.password)
    return { problem: 'must not carry credentials; check the X-Hub-Signature-256 header instead' };
  if (url.hash) return { problem: 'must not have a #fragment' };
  return url;
}

/** The host part of a URL as the resolver and isIP expect it (IPv6 literals lose their brackets). */
export const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');
