// Which addresses a webhook may reach. Pure: the HTTP client resolves names and asks here about
// every address at connect time; settings and the test route ask about the URL itself.

export type AddressClass =
  | "public"
  | "loopback"
  | "private"
  | "link-local"
  | "metadata"
  | "cgnat"
  | "multicast"
  | "reserved"
  | "unspecified"
  | "ipv4-mapped"
  | "invalid";

/** "local" (the emulators) also allows loopback and private ranges so developers can use their machine. */
export type AddressMode = "production" | "local";

type Range = [base: string, bits: number, kind: AddressClass];

// Cloud metadata endpoints, named so they stay refused even where their range is relaxed.
const METADATA = new Set(["169.254.169.254", "169.254.170.2", "100.100.100.200", "168.63.129.16"]);
const METADATA_V6 = ["fd00:ec2::254"];

// First match wins, so narrower ranges come before the ones that contain them.
const V4_RANGES: Range[] = [
  ["0.0.0.0", 32, "unspecified"],
  ["0.0.0.0", 8, "reserved"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "cgnat"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "reserved"],
  ["192.0.2.0", 24, "reserved"],
  ["192.88.99.0", 24, "reserved"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "reserved"],
  ["198.51.100.0", 24, "reserved"],
  ["203.0.113.0", 24, "reserved"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
];

const V6_RANGES: Range[] = [
  ["::", 128, "unspecified"],
  ["::1", 128, "loopback"],
  ["::ffff:0:0", 96, "ipv4-mapped"],
  ["64:ff9b::", 96, "reserved"],
  ["64:ff9b:1::", 48, "reserved"],
  ["100::", 64, "reserved"],
  ["2001::", 23, "reserved"],
  ["2001:db8::", 32, "reserved"],
  ["2002::", 16, "reserved"],
  ["3fff::", 20, "reserved"],
  ["fc00::", 7, "private"],
  ["fe80::", 10, "link-local"],
  ["ff00::", 8, "multicast"],
  // Everything outside global unicast (2000::/3) is unassigned or special purpose.
  ["2000::", 3, "public"],
];

/** Canonical dotted quad only: octal, hex and short forms are refused rather than guessed. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

export function parseIpv6(input: string): bigint | undefined {
  let text = input.split("%")[0]!.toLowerCase();
  const lastColon = text.lastIndexOf(":");
  if (lastColon < 0) return undefined;
  const tail = text.slice(lastColon + 1);
  if (tail.includes(".")) {
    const v4 = parseIpv4(tail);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined) => (half ? half.split(":") : []);
  const head = groups(halves[0]);
  const rest = groups(halves[1]);
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  let value = 0n;
  for (const group of all) {
    if (!/^[0-9a-f]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  }
  return value;
}

function inRange(value: bigint, base: bigint, bits: number, width: number): boolean {
  const shift = BigInt(width - bits);
  return value >> shift === base >> shift;
}

const v4Table = V4_RANGES.map(([base, bits, kind]) => [BigInt(parseIpv4(base)!), bits, kind] as const);
const v6Table = V6_RANGES.map(([base, bits, kind]) => [parseIpv6(base)!, bits, kind] as const);
const metadataV6 = new Set(METADATA_V6.map((address) => parseIpv6(address)));

export function classifyAddress(address: string): AddressClass {
  const v4 = parseIpv4(address);
  if (v4 !== undefined) {
    if (METADATA.has(address)) return "metadata";
    const match = v4Table.find(([base, bits]) => inRange(BigInt(v4), base, bits, 32));
    return match ? match[2] : "public";
  }
  const v6 = address.includes(":") ? parseIpv6(address) : undefined;
  if (v6 === undefined) return "invalid";
  if (metadataV6.has(v6)) return "metadata";
  const match = v6Table.find(([base, bits]) => inRange(v6, base, bits, 128));
  return match ? match[2] : "reserved";
}

export function addressAllowed(kind: AddressClass, mode: AddressMode): boolean {
  if (kind === "public") return true;
  return mode === "local" && (kind === "loopback" || kind === "private");
}

export function isAddressAllowed(address: string, mode: AddressMode): boolean {
  return addressAllowed(classifyAddress(address), mode);
}

export type UrlCheck =
  | { ok: true; url: URL; hostname: string; isIpLiteral: boolean }
  | { ok: false; reason: string };

/** Static checks on a webhook URL; names are checked again, per resolved address, when connecting. */
export function checkWebhookUrl(text: string, mode: AddressMode): UrlCheck {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: "not a valid URL" };
  }
  const schemes = mode === "production" ? ["https:"] : ["https:", "http:"];
  if (!schemes.includes(url.protocol)) {
    return { ok: false, reason: mode === "production" ? "https is required" : "must be http(s)" };
  }
  if (url.username || url.password) {
    return { ok: false, reason: "credentials in the URL are not allowed; use webhookAuthHeader" };
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!hostname) return { ok: false, reason: "no host" };
  const isIpLiteral = parseIpv4(hostname) !== undefined || hostname.includes(":");
  if (isIpLiteral) {
    const kind = classifyAddress(hostname);
    if (!addressAllowed(kind, mode)) return { ok: false, reason: `refused address (${kind})` };
  }
  return { ok: true, url, hostname, isIpLiteral };
}
