import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type AddressKind, addressRefusal, checkEgressUrl, classifyAddress } from "../src/egress.js";

const CASES: Array<[string, AddressKind]> = [
  ["8.8.8.8", "public"],
  ["1.1.1.1", "public"],
  ["100.128.0.1", "public"],
  ["172.32.0.1", "public"],
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["10.1.2.3", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.1", "private"],
  ["169.254.169.254", "metadata"],
  ["169.254.170.2", "metadata"],
  ["100.100.100.200", "metadata"],
  ["168.63.129.16", "metadata"],
  ["169.254.1.1", "link-local"],
  ["100.64.0.1", "cgnat"],
  ["100.127.255.255", "cgnat"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["0.0.0.0", "reserved"],
  ["0.1.2.3", "reserved"],
  ["192.0.0.8", "reserved"],
  ["192.88.99.1", "reserved"],
  ["198.18.0.1", "reserved"],
  ["240.0.0.1", "reserved"],
  ["255.255.255.255", "reserved"],
  ["192.0.2.10", "documentation"],
  ["198.51.100.7", "documentation"],
  ["203.0.113.9", "documentation"],
  ["2606:4700:4700::1111", "public"],
  ["2001:4860:4860::8888", "public"],
  ["::1", "loopback"],
  ["fc00::1", "private"],
  ["fd12:3456::1", "private"],
  ["fd00:ec2::254", "metadata"],
  ["fe80::1", "link-local"],
  ["ff02::1", "multicast"],
  ["2001::1", "reserved"],
  ["2001:db8::1", "documentation"],
  ["2002:7f00:1::1", "reserved"],
  ["3fff::1", "documentation"],
  // Outside global unicast 2000::/3.
  ["::", "reserved"],
  ["::ffff:127.0.0.1", "reserved"],
  ["::ffff:8.8.8.8", "reserved"],
  ["::ffff:7f00:1", "reserved"],
  ["::ffff:0:a9fe:a9fe", "reserved"],
  ["::127.0.0.1", "reserved"],
  ["64:ff9b::7f00:1", "reserved"],
  ["100::1", "reserved"],
  ["5f00::1", "reserved"],
  ["4000::1", "reserved"],
  // Not a canonical address: refused rather than guessed.
  ["fe80::1%eth0", "invalid"],
  ["localhost", "invalid"],
  ["2130706433", "invalid"],
  ["0177.0.0.1", "invalid"],
  ["0x7f.0.0.1", "invalid"],
  ["010.0.0.1", "invalid"],
  ["1.2.3", "invalid"],
  ["1:2:3:4:5:6:7:8:9", "invalid"],
  ["1::2::3", "invalid"],
];

describe("egress address policy", () => {
  it("names each range", () => {
    for (const [address, kind] of CASES) assert.equal(classifyAddress(address), kind, address);
  });

  it("allows only public addresses in production; locally also loopback and private", () => {
    for (const [address, kind] of CASES) {
      assert.equal(addressRefusal(address, "production") === undefined, kind === "public", address);
      const local = kind === "public" || kind === "loopback" || kind === "private";
      assert.equal(addressRefusal(address, "local") === undefined, local, `local ${address}`);
    }
  });

  const octet = fc.integer({ min: 0, max: 255 });
  const ipv4 = fc.tuple(octet, octet, octet, octet).map((parts) => parts.join("."));
  const modes = ["production", "local"] as const;

  it("refuses every IPv4-mapped and IPv4-translated IPv6 address in both modes (property)", () => {
    fc.assert(
      fc.property(ipv4, (address) => {
        for (const mode of modes) {
          assert.ok(addressRefusal(`::ffff:${address}`, mode), address);
          assert.ok(addressRefusal(`::ffff:0:${address}`, mode), address);
        }
      }),
    );
  });

  it("refuses link-local (metadata included) and CGNAT everywhere (property)", () => {
    fc.assert(
      fc.property(octet, octet, octet, (a, b, c) => {
        for (const mode of modes) {
          assert.ok(addressRefusal(`169.254.${a}.${b}`, mode));
          assert.ok(addressRefusal(`100.${64 + (c % 64)}.${a}.${b}`, mode));
          assert.ok(addressRefusal(`fe80::${a.toString(16)}:${b.toString(16)}`, mode));
        }
      }),
    );
  });

  it("refuses all of 10/8, 127/8 and 192.168/16 in production, allows them locally (property)", () => {
    fc.assert(
      fc.property(octet, octet, octet, (a, b, c) => {
        for (const address of [`10.${a}.${b}.${c}`, `127.${a}.${b}.${c}`, `192.168.${b}.${c}`]) {
          assert.ok(addressRefusal(address, "production"), address);
          assert.equal(addressRefusal(address, "local"), undefined, address);
        }
      }),
    );
  });

  it("reads compressed and full IPv6 forms as the same address (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), (groups) => {
        const full = groups.map((group) => group.toString(16).padStart(4, "0")).join(":");
        const compressed = new URL(`http://[${full}]/`).hostname.slice(1, -1);
        assert.equal(classifyAddress(compressed), classifyAddress(full), compressed);
      }),
    );
  });
});

describe("egress URL checks", () => {
  // The URL parser reads decimal, octal, hex and short IPv4 forms; each is 127.0.0.1.
  const loopbackSpellings = [
    "https://2130706433/x",
    "https://017700000001/x",
    "https://0177.0.0.1/x",
    "https://0x7f.0.0.1/x",
    "https://0x7f000001/x",
    "https://0x7f.1/x",
    "https://127.1/x",
    "https://[::1]/x",
  ];
  const refusedEverywhere = [
    "https://0251.0376.0251.0376/latest/meta-data",
    "https://2852039166/latest/meta-data",
    "https://0xa9fea9fe/latest/meta-data",
    "https://[::ffff:127.0.0.1]/x",
    "https://[::ffff:0:a9fe:a9fe]/x",
    "https://[5f00::1]/x",
    "https://[3fff::1]/x",
    "https://[fd00:ec2::254]/",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://metadata.google.internal./computeMetadata/v1/",
    "https://METADATA/computeMetadata/v1/",
    "https://user:pass@hooks.example.com/x",
    "ftp://hooks.example.com/x",
    "file:///etc/passwd",
    "not a url",
  ];

  it("refuses loopback in any spelling in production, and metadata and special addresses everywhere", () => {
    for (const purpose of ["webhook", "media"] as const) {
      for (const url of loopbackSpellings) {
        assert.equal(checkEgressUrl(url, "production", purpose).ok, false, url);
        assert.equal(checkEgressUrl(url, "local", purpose).ok, true, `local ${url}`);
      }
      for (const url of refusedEverywhere) {
        assert.equal(checkEgressUrl(url, "production", purpose).ok, false, url);
        assert.equal(checkEgressUrl(url, "local", purpose).ok, false, `local ${url}`);
      }
    }
  });

  it("says whether a URL is forbidden or merely invalid", () => {
    const metadata = checkEgressUrl("https://169.254.169.254/", "production", "webhook");
    assert.deepEqual(metadata, { ok: false, reason: "refused address (metadata)", forbidden: true });
    const scheme = checkEgressUrl("http://hooks.example.com/x", "production", "webhook");
    assert.deepEqual(scheme, { ok: false, reason: "https is required", forbidden: false });
  });

  it("requires https for webhooks in production; media may be plain http", () => {
    assert.equal(checkEgressUrl("https://hooks.example.com/x?token=1", "production", "webhook").ok, true);
    assert.equal(checkEgressUrl("https://8.8.8.8/x", "production", "webhook").ok, true);
    assert.equal(checkEgressUrl("https://[2606:4700:4700::1111]/x", "production", "webhook").ok, true);
    assert.equal(checkEgressUrl("http://cdn.example.com/a.png", "production", "media").ok, true);
  });

  it("allows ports 80, 443 and 1024 and up in production, any port locally", () => {
    for (const port of ["", ":80", ":443", ":1024", ":8443", ":65535"]) {
      assert.equal(
        checkEgressUrl(`https://hooks.example.com${port}/x`, "production", "webhook").ok,
        true,
        port,
      );
    }
    for (const port of [":22", ":25", ":1023"]) {
      assert.equal(
        checkEgressUrl(`https://hooks.example.com${port}/x`, "production", "webhook").ok,
        false,
        port,
      );
      assert.equal(checkEgressUrl(`http://cdn.example.com${port}/x`, "production", "media").ok, false, port);
      assert.equal(checkEgressUrl(`http://127.0.0.1${port}/x`, "local", "webhook").ok, true, port);
    }
  });

  it("locally allows http to loopback and private addresses, never to metadata or CGNAT", () => {
    assert.equal(checkEgressUrl("http://127.0.0.1:3000/hook", "local", "webhook").ok, true);
    assert.equal(checkEgressUrl("http://localhost:3000/hook", "local", "webhook").ok, true);
    assert.equal(checkEgressUrl("http://192.168.1.20/hook", "local", "webhook").ok, true);
    assert.equal(checkEgressUrl("http://[::1]:3000/hook", "local", "media").ok, true);
    assert.equal(checkEgressUrl("http://169.254.169.254/", "local", "webhook").ok, false);
    assert.equal(checkEgressUrl("http://100.64.1.1/", "local", "webhook").ok, false);
  });
});
