// Which IP addresses an outbound fetch may reach: public unicast only. Everything a customer
// could use to reach our own network or cloud metadata is refused.
import { BlockList, isIP } from "node:net";

const DENIED_V4 = [
  ["0.0.0.0", 8], // "this network", unspecified
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // CGNAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const;

const DENIED_V6 = [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["::ffff:0:0", 96], // IPv4-mapped: would smuggle any IPv4 past the v4 rules
  ["::", 96], // IPv4-compatible (deprecated)
  ["64:ff9b::", 96], // NAT64
  ["64:ff9b:1::", 48], // local-use NAT64
  ["100::", 64], // discard
  ["2001::", 23], // IETF protocol assignments (Teredo, ORCHID, ...)
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4: embeds an IPv4 address
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const;

export interface AddressPolicy {
  /** Undefined when the address may be reached, otherwise why not. */
  refusal(address: string): string | undefined;
}

/**
 * The production policy, optionally relaxed by an explicit allowlist of CIDRs (tests use it to
 * reach a local fixture server; production passes nothing).
 */
export function createAddressPolicy(allowCidrs: readonly string[] = []): AddressPolicy {
  // One list per family: a BlockList also matches IPv4 addresses against IPv4-mapped IPv6 rules,
  // which would put every IPv4 address inside ::ffff:0:0/96.
  const denied = { 4: new BlockList(), 6: new BlockList() };
  for (const [network, prefix] of DENIED_V4) denied[4].addSubnet(network, prefix, "ipv4");
  for (const [network, prefix] of DENIED_V6) denied[6].addSubnet(network, prefix, "ipv6");
  const allowed = { 4: new BlockList(), 6: new BlockList() };
  for (const cidr of allowCidrs) {
    const [network, prefix] = cidr.split("/");
    const family = isIP(network ?? "");
    if (!network || family === 0 || prefix === undefined)
      throw new Error(`invalid CIDR in allowlist: ${cidr}`);
    allowed[family as 4 | 6].addSubnet(network, Number(prefix), family === 4 ? "ipv4" : "ipv6");
  }
  return {
    refusal(address) {
      const family = isIP(address);
      if (family !== 4 && family !== 6) return "not an IP address";
      const type = family === 4 ? "ipv4" : "ipv6";
      if (allowed[family].check(address, type)) return undefined;
      return denied[family].check(address, type) ? "address is not public" : undefined;
    },
  };
}
