// Where the platform may send a request on a customer's behalf (webhooks, media URLs): public
// unicast addresses only, no cloud metadata service, web ports only. Pure: the webhook client and
// the media fetcher resolve names themselves and ask here about every address at connect time.
import { BlockList, isIP } from "node:net";

/** "local" (emulators, tests) also allows loopback, private ranges, plain http and any port. */
export type EgressMode = "production" | "local";

/** Webhooks must use https in production; customers' media URLs may be plain http. */
export type EgressPurpose = "webhook" | "media";

export type AddressKind =
  | "public"
  | "loopback"
  | "private"
  | "metadata"
  | "link-local"
  | "cgnat"
  | "multicast"
  | "documentation"
  | "reserved"
  | "invalid";

type Range = readonly [network: string, prefix: number, kind: AddressKind];

// Cloud metadata endpoints, named so they stay refused where their range is relaxed (fd00:ec2::254
// is unique-local) or public (Azure's 168.63.129.16).
const METADATA_ADDRESSES = new Set(["169.254.169.254", "169.254.170.2", "100.100.100.200", "168.63.129.16"]);
const METADATA_V6 = ["fd00:ec2::254"];
const METADATA_HOSTS = new Set([
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "instance-data",
  "instance-data.ec2.internal",
]);

// IANA's IPv4 special-purpose registry, minus the few globally reachable entries, plus multicast.
const V4_RANGES: Range[] = [
  ["0.0.0.0", 8, "reserved"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "cgnat"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "reserved"],
  ["192.0.2.0", 24, "documentation"],
  ["192.88.99.0", 24, "reserved"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "reserved"],
  ["198.51.100.0", 24, "documentation"],
  ["203.0.113.0", 24, "documentation"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
];

// IPv6 is public only inside global unicast 2000::/3, minus the special-purpose ranges there.
// Everything outside it (IPv4-mapped and -translated forms, NAT64, SRv6 5f00::/16, ...) is refused;
// loopback and unique-local are named only so that local mode can relax them.
const V6_RANGES: Range[] = [
  ["::1", 128, "loopback"],
  ["fc00::", 7, "private"],
  ["fe80::", 10, "link-local"],
  ["ff00::", 8, "multicast"],
  ["2001::", 23, "reserved"],
  ["2001:db8::", 32, "documentation"],
  ["2002::", 16, "reserved"],
  ["3fff::", 20, "documentation"],
];

const RELAXED_LOCALLY: ReadonlySet<AddressKind> = new Set(["loopback", "private"]);

function rangeLists(ranges: Range[], family: "ipv4" | "ipv6"): Array<[AddressKind, BlockList]> {
  const lists = new Map<AddressKind, BlockList>();
  for (const [network, prefix, kind] of ranges) {
    const list = lists.get(kind) ?? new BlockList();
    list.addSubnet(network, prefix, family);
    lists.set(kind, list);
  }
  return [...lists];
}

// One set of lists per family: a BlockList also matches IPv4-mapped IPv6 addresses against IPv4
// rules, which must not make ::ffff:8.8.8.8 look public.
const v4Lists = rangeLists(V4_RANGES, "ipv4");
const v6Lists = rangeLists(V6_RANGES, "ipv6");
const globalUnicastV6 = new BlockList();
globalUnicastV6.addSubnet("2000::", 3, "ipv6");
const metadataV6 = new BlockList();
for (const address of METADATA_V6) metadataV6.addAddress(address, "ipv6");

/** What kind of address this is; anything but a canonical IPv4 or IPv6 literal is "invalid". */
export function classifyAddress(address: string): AddressKind {
  // Zone ids are meaningful only on the local link; octal, hex and short IPv4 forms are not IPs here.
  const family = address.includes("%") ? 0 : isIP(address);
  if (family === 4) {
    if (METADATA_ADDRESSES.has(address)) return "metadata";
    return v4Lists.find(([, list]) => list.check(address, "ipv4"))?.[0] ?? "public";
  }
  if (family === 6) {
    if (metadataV6.check(address, "ipv6")) return "metadata";
    const special = v6Lists.find(([, list]) => list.check(address, "ipv6"))?.[0];
    if (special) return special;
    return globalUnicastV6.check(address, "ipv6") ? "public" : "reserved";
  }
  return "invalid";
}

/** Why a connection to this address is refused, or undefined when it may go ahead. */
export function addressRefusal(address: string, mode: EgressMode): string | undefined {
  const kind = classifyAddress(address);
  if (kind === "public" || (mode === "local" && RELAXED_LOCALLY.has(kind))) return undefined;
  return `refused address (${kind})`;
}

/** Ports below 1024 other than 80 and 443 belong to other protocols (SMTP, SSH, ...). */
function portAllowed(port: string, mode: EgressMode): boolean {
  if (mode === "local" || port === "") return true;
  const number = Number(port);
  return number === 80 || number === 443 || number >= 1024;
}

export type EgressUrlCheck =
  | { ok: true; url: URL; hostname: string }
  | { ok: false; reason: string; forbidden: boolean };

/** Static checks on an outbound URL; a name is checked again, per resolved address, at connect time. */
export function checkEgressUrl(text: string, mode: EgressMode, purpose: EgressPurpose): EgressUrlCheck {
  const invalid = (reason: string) => ({ ok: false, reason, forbidden: false }) as const;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return invalid("not a valid URL");
  }
  const httpsOnly = purpose === "webhook" && mode === "production";
  if (url.protocol !== "https:" && (httpsOnly || url.protocol !== "http:")) {
    return invalid(httpsOnly ? "https is required" : "must be http or https");
  }
  if (url.username || url.password) return invalid("credentials in the URL are not allowed");
  if (!portAllowed(url.port, mode))
    return invalid(`port ${url.port} is not allowed (80, 443 or 1024 and up)`);
  // The URL parser has already turned decimal, octal and hex IPv4 forms into dotted quads.
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1").replace(/\.+$/, "");
  if (!hostname) return invalid("no host");
  if (METADATA_HOSTS.has(hostname)) return { ok: false, reason: "refused host (metadata)", forbidden: true };
  const refusal = isIP(hostname) !== 0 ? addressRefusal(hostname, mode) : undefined;
  if (refusal) return { ok: false, reason: refusal, forbidden: true };
  return { ok: true, url, hostname };
}
