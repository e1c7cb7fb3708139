// internalHostProblem on hostnames as the URL parser hands them over: each internal range in
// its usual and its odd spellings (decimal, hex, octal IPv4; IPv4-mapped, NAT64 and 6to4 IPv6).
import { describe, expect, it } from "vitest";
import { internalHostProblem } from "../../core/internal-host";

const host = (url: string) => new URL(url).hostname;

const INTERNAL: [url: string, says: string][] = [
  ["https://10.0.0.1/h", "private"],
  ["https://10.255.255.255/h", "private"],
  ["https://172.16.0.1/h", "private"],
  ["https://172.31.255.255/h", "private"],
  ["https://192.168.1.1/h", "private"],
  ["https://127.0.0.1/h", "loopback"],
  ["https://127.8.9.10/h", "loopback"],
  ["https://169.254.169.254/latest/meta-data", "link-local"],
  ["https://100.64.0.1/h", "carrier-grade NAT"],
  ["https://100.127.255.255/h", "carrier-grade NAT"],
  ["https://0.0.0.0/h", "unspecified"],
  ["https://224.0.0.1/h", "multicast"],
  ["https://239.255.255.250/h", "multicast"],
  ["https://255.255.255.255/h", "broadcast"],
  // Spellings the parser normalises to a dotted quad.
  ["https://2852039166/h", "link-local"], // 169.254.169.254 in decimal
  ["https://0xa9.0xfe.0xa9.0xfe/h", "link-local"],
  ["https://0xA9FEA9FE/h", "link-local"],
  ["https://012.0.0.1/h", "private"], // octal 10
  ["https://0x7f.1/h", "loopback"],
  ["https://10.1/h", "private"],
  // IPv6.
  ["https://[::]/h", "unspecified"],
  ["https://[::1]/h", "loopback"],
  ["https://[0:0:0:0:0:0:0:1]/h", "loopback"],
  ["https://[fc00::1]/h", "unique local"],
  ["https://[fd12:3456::1]/h", "unique local"],
  ["https://[fe80::1]/h", "link-local"],
  ["https://[febf::1]/h", "link-local"],
  ["https://[fec0::1]/h", "site-local"],
  ["https://[ff02::1]/h", "multicast"],
  ["https://[::ffff:10.0.0.1]/h", "private"],
  ["https://[::ffff:169.254.169.254]/h", "link-local"],
  ["https://[::ffff:7f00:1]/h", "loopback"],
  ["https://[64:ff9b::192.168.0.1]/h", "private"],
  ["https://[2002:a00:1::]/h", "private"], // 6to4 of 10.0.0.1
  ["https://[::10.0.0.1]/h", "IPv4-compatible"],
  // Names.
  ["https://localhost/h", "local or internal name"],
  ["https://LOCALHOST./h", "local or internal name"],
  ["https://api.localhost/h", "local or internal name"],
  ["https://metadata.google.internal/h", "local or internal name"],
  ["https://printer.local/h", "local or internal name"],
  ["https://nas.home.arpa/h", "local or internal name"],
  ["https://intranet/h", "single-label"],
];

const PUBLIC = [
  "https://example.com/wayfind-hooks",
  "https://hooks.example.internal.example.com/h",
  "https://8.8.8.8/h",
  "https://172.32.0.1/h", // just past 172.16/12
  "https://172.15.255.255/h",
  "https://100.63.255.255/h", // just before 100.64/10
  "https://100.128.0.1/h",
  "https://169.253.0.1/h",
  "https://11.0.0.1/h",
  "https://223.255.255.255/h",
  "https://[2606:4700::1111]/h",
  "https://[::ffff:8.8.8.8]/h",
  "https://[64:ff9b::8.8.8.8]/h",
  "https://[fbff::1]/h", // just below fc00::/7
  "https://[fe7f::1]/h",
  "https://localhost.example.com/h",
];

describe("internalHostProblem", () => {
  it.each(INTERNAL)("refuses %s (%s)", (url, says) => {
    const problem = internalHostProblem(host(url));
    expect(problem).toContain(says);
    expect(problem).toContain(host(url));
  });

  it.each(PUBLIC)("allows %s", (url) => {
    expect(internalHostProblem(host(url))).toBeNull();
  });
});
