import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  type AddressClass,
  checkWebhookUrl,
  classifyAddress,
  isAddressAllowed,
  parseIpv6,
} from "../src/core/webhooks/ssrf.js";

const CASES: Array<[string, AddressClass]> = [
  ["8.8.8.8", "public"],
  ["1.1.1.1", "public"],
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["10.1.2.3", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["172.32.0.1", "public"],
  ["192.168.1.1", "private"],
  ["169.254.169.254", "metadata"],
  ["169.254.1.1", "link-local"],
  ["100.64.0.1", "cgnat"],
  ["100.127.255.255", "cgnat"],
  ["100.100.100.200", "metadata"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["0.0.0.0", "unspecified"],
  ["0.1.2.3", "reserved"],
  ["240.0.0.1", "reserved"],
  ["255.255.255.255", "reserved"],
  ["192.0.2.10", "reserved"],
  ["198.18.0.1", "reserved"],
  ["2606:4700:4700::1111", "public"],
  ["2001:4860:4860::8888", "public"],
  ["::1", "loopback"],
  ["::", "unspecified"],
  ["::ffff:127.0.0.1", "ipv4-mapped"],
  ["::ffff:8.8.8.8", "ipv4-mapped"],
  ["::ffff:7f00:1", "ipv4-mapped"],
  ["fc00::1", "private"],
  ["fd12:3456::1", "private"],
  ["fd00:ec2::254", "metadata"],
  ["fe80::1", "link-local"],
  ["fe80::1%eth0", "link-local"],
  ["ff02::1", "multicast"],
  ["2001:db8::1", "reserved"],
  ["64:ff9b::7f00:1", "reserved"],
  ["2002:7f00:1::", "reserved"],
  ["::127.0.0.1", "reserved"],
  ["4000::1", "reserved"],
  ["localhost", "invalid"],
  ["010.0.0.1", "invalid"],
  ["1.2.3", "invalid"],
  ["1:2:3:4:5:6:7:8:9", "invalid"],
  ["1::2::3", "invalid"],
];

const RELAXED_LOCALLY: AddressClass[] = ["loopback", "private"];

describe("SSRF address classification", () => {
  it("names each range", () => {
    for (const [address, kind] of CASES) assert.equal(classifyAddress(address), kind, address);
  });

  it("allows only public addresses in production; locally also loopback and private", () => {
    for (const [address, kind] of CASES) {
      assert.equal(isAddressAllowed(address, "production"), kind === "public", `production ${address}`);
      const local = kind === "public" || RELAXED_LOCALLY.includes(kind);
      assert.equal(isAddressAllowed(address, "local"), local, `local ${address}`);
    }
  });

  const octet = fc.integer({ min: 0, max: 255 });
  const ipv4 = fc.tuple(octet, octet, octet, octet).map((parts) => parts.join("."));

  it("refuses every IPv4-mapped IPv6 address in both modes (property)", () => {
    fc.assert(
      fc.property(ipv4, (address) => {
        for (const mode of ["production", "local"] as const) {
          assert.equal(isAddressAllowed(`::ffff:${address}`, mode), false);
        }
      }),
    );
  });

  it("refuses link-local (metadata included) and CGNAT everywhere (property)", () => {
    fc.assert(
      fc.property(octet, octet, octet, (a, b, c) => {
        for (const mode of ["production", "local"] as const) {
          assert.equal(isAddressAllowed(`169.254.${a}.${b}`, mode), false);
          assert.equal(isAddressAllowed(`100.${64 + (c % 64)}.${a}.${b}`, mode), false);
          assert.equal(isAddressAllowed(`fe80::${a.toString(16)}:${b.toString(16)}`, mode), false);
        }
      }),
    );
  });

  it("refuses all of 10/8, 127/8 and 192.168/16 in production (property)", () => {
    fc.assert(
      fc.property(octet, octet, octet, (a, b, c) => {
        for (const address of [`10.${a}.${b}.${c}`, `127.${a}.${b}.${c}`, `192.168.${b}.${c}`]) {
          assert.equal(isAddressAllowed(address, "production"), false, address);
          assert.equal(isAddressAllowed(address, "local"), true, address);
        }
      }),
    );
  });

  it("reads compressed and full IPv6 forms as the same address (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), (groups) => {
        const full = groups.map((group) => group.toString(16)).join(":");
        const padded = groups.map((group) => group.toString(16).padStart(4, "0")).join(":");
        assert.equal(parseIpv6(full), parseIpv6(padded));
        const url = new URL(`http://[${full}]/`);
        const compressed = url.hostname.slice(1, -1);
        assert.equal(parseIpv6(compressed), parseIpv6(full), compressed);
        assert.equal(classifyAddress(compressed), classifyAddress(full));
      }),
    );
  });
});

describe("webhook URL checks", () => {
  it("require https in production and refuse forbidden IP literals in any spelling", () => {
    const refused = [
      "http://hooks.example.com/x",
      "https://127.0.0.1/x",
      "https://2130706433/x",
      "https://0x7f.1/x",
      "https://[::1]/x",
      "https://[::ffff:127.0.0.1]/x",
      "https://169.254.169.254/latest/meta-data",
      "https://[fd00:ec2::254]/",
      "https://user:pass@hooks.example.com/x",
      "ftp://hooks.example.com/x",
      "not a url",
    ];
    for (const url of refused) assert.equal(checkWebhookUrl(url, "production").ok, false, url);
    assert.equal(checkWebhookUrl("https://hooks.example.com/x?token=1", "production").ok, true);
    assert.equal(checkWebhookUrl("https://8.8.8.8/x", "production").ok, true);
  });

  it("locally allow http to loopback and private addresses, never to metadata", () => {
    assert.equal(checkWebhookUrl("http://127.0.0.1:3000/hook", "local").ok, true);
    assert.equal(checkWebhookUrl("http://localhost:3000/hook", "local").ok, true);
    assert.equal(checkWebhookUrl("http://192.168.1.20/hook", "local").ok, true);
    assert.equal(checkWebhookUrl("http://169.254.169.254/", "local").ok, false);
    assert.equal(checkWebhookUrl("http://[::ffff:127.0.0.1]/", "local").ok, false);
    assert.equal(checkWebhookUrl("http://100.64.1.1/", "local").ok, false);
  });
});
