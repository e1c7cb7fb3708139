// Hosts an outbound request must not reach: the rule for fetching only configured URLs is
// that a configured URL cannot point the Worker at a private network, the machine itself or a
// cloud metadata service (169.254.169.254). Takes URL.hostname, which the WHATWG parser has
// already normalised: IPv4 spelled in decimal, hex or octal becomes a dotted quad, and IPv6
// is bracketed lower-case hex with "::" (an embedded IPv4 comes out as two hex groups).
// A public name that resolves to a private address is not caught here: Workers cannot resolve
// names before fetching (and a name can change its answer between checks).

type Range = readonly [base: number, bits: number, what: string];

// IANA special-purpose IPv4 ranges a webhook has no business reaching.
const IPV4_RANGES: readonly Range[] = [
  [ip4(0, 0, 0, 0), 8, "an unspecified (this-network) address"],
  [ip4(10, 0, 0, 0), 8, "a private address"],
  [ip4(100, 64, 0, 0), 10, "a carrier-grade NAT (shared) address"],
  [ip4(127, 0, 0, 0), 8, "a loopback address"],
  [ip4(169, 254, 0, 0), 16, "a link-local address (cloud metadata lives here)"],
  [ip4(172, 16, 0, 0), 12, "a private address"],
  [ip4(192, 0, 0, 0), 24, "an IETF protocol address"],
  [ip4(192, 168, 0, 0), 16, "a private address"],
  [ip4(198, 18, 0, 0), 15, "a benchmarking address"],
  [ip4(224, 0, 0, 0), 4, "a multicast address"],
  [ip4(240, 0, 0, 0), 4, "a reserved or broadcast address"],
];

function ip4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

const inRange = (ip: number, [base, bits]: Range) => bits === 0 || ip >>> (32 - bits) === base >>> (32 - bits);

function ipv4Problem(ip: number): string | null {
  return IPV4_RANGES.find((r) => inRange(ip, r))?.[2] ?? null;
}

/** A dotted quad as a 32-bit number, or null when the host is not one. */
function parseIpv4(host: string): number | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  const [a, b, c, d] = parts.map(Number) as [number, number, number, number];
  return ip4(a, b, c, d);
}

/** "[…]" as eight 16-bit groups, or null when it is not an IPv6 literal. */
function parseIpv6(host: string): number[] | null {
  if (!host.startsWith("[") || !host.endsWith("]")) return null;
  const body = host.slice(1, -1);
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groups(halves[0] ?? "");
  const tail = halves.length === 2 ? groups(halves[1] ?? "") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  return all.map((g) => parseInt(g, 16));
}

function ipv6Problem(g: number[]): string | null {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const embedded = ((g6 << 16) | g7) >>> 0;
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return "an unspecified address";
  if (zeroUpTo(7) && g7 === 1) return "a loopback address";
  // ::ffff:a.b.c.d (IPv4-mapped) and 64:ff9b::a.b.c.d (NAT64) reach the IPv4 address inside.
  if (zeroUpTo(5) && g5 === 0xffff) return ipv4Problem(embedded);
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return ipv4Problem(embedded);
  // 6to4 (2002:a.b.c.d::) carries the IPv4 address in groups 1 and 2.
  if (g0 === 0x2002) return ipv4Problem(((g1 << 16) | g2) >>> 0);
  if (zeroUpTo(6)) return "an IPv4-compatible (deprecated) address";
  if ((g0 & 0xfe00) === 0xfc00) return "a private (unique local) address";
  if ((g0 & 0xffc0) === 0xfe80) return "a link-local address";
  if ((g0 & 0xffc0) === 0xfec0) return "a site-local address";
  if ((g0 & 0xff00) === 0xff00) return "a multicast address";
  return null;
}

// Names that only mean something inside a machine or a network (RFC 6761, 6762, 8375, and
// the .internal TLD ICANN reserved for private use).
const INTERNAL_SUFFIXES = ["localhost", "internal", "local", "home.arpa"];

/**
 * Why a URL's hostname is internal ("10.0.0.1 is a private address"), or null when it may be a
 * public host. Names without a dot count as internal: they resolve through local search domains.
 */
export function internalHostProblem(hostname: string): string | null {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  const v4 = parseIpv4(host);
  if (v4 !== null) return withHost(hostname, ipv4Problem(v4));
  const v6 = parseIpv6(host);
  if (v6 !== null) return withHost(hostname, ipv6Problem(v6));
  if (host.startsWith("[")) return `${hostname} is not an IP address.`;
  if (INTERNAL_SUFFIXES.some((s) => host === s || host.endsWith(`.${s}`))) {
    return `${hostname} is a local or internal name.`;
  }
  if (!host.includes(".")) return `${hostname} is a single-label (internal) name.`;
  return null;
}

const withHost = (hostname: string, what: string | null) => (what ? `${hostname} is ${what}.` : null);
