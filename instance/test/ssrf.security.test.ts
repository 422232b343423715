// Media URLs must not reach our own network: private, loopback, link-local, CGNAT, multicast,
// reserved and IPv4-mapped addresses are refused after DNS resolution; redirects are not
// followed; size is capped. Only an explicit allowlist relaxes the guard.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { createAddressPolicy } from "../src/net/address-policy.js";
import { createMediaFetcher, MediaFetchError } from "../src/net/media-fetcher.js";
import { appWithFakeTransport } from "./support/app.js";
import { generateGatewayKeys } from "./support/keys.js";

const REFUSED = [
  "0.0.0.0",
  "10.1.2.3",
  "100.64.0.1",
  "127.0.0.1",
  "169.254.169.254",
  "172.16.0.1",
  "192.168.1.1",
  "198.18.0.1",
  "224.0.0.1",
  "240.0.0.1",
  "255.255.255.255",
  "::",
  "::1",
  "::ffff:127.0.0.1",
  "::ffff:10.0.0.1",
  "64:ff9b::7f00:1",
  "fc00::1",
  "fd12:3456::1",
  "fe80::1",
  "ff02::1",
  "2002:7f00:1::1",
];

describe("media URL guard", () => {
  let server: Server;
  let base: string;

  before(async () => {
    server = createServer((req, res) => {
      if (req.url === "/redirect")
        return void res.writeHead(302, { location: "http://169.254.169.254/" }).end();
      if (req.url === "/big") return void res.writeHead(200).end(Buffer.alloc(4096));
      if (req.url === "/big-declared")
        return void res.writeHead(200, { "content-length": "999999999" }).end();
      res.writeHead(200, { "content-type": "image/png" }).end(Buffer.from("89504e470d0a1a0a", "hex"));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => server.close());

  it("classifies non-public addresses as refused and public ones as allowed", () => {
    const policy = createAddressPolicy();
    for (const address of REFUSED) assert.ok(policy.refusal(address), `${address} must be refused`);
    for (const address of ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "100.128.0.1"]) {
      assert.equal(policy.refusal(address), undefined, `${address} must be allowed`);
    }
  });

  it("refuses literal and resolved private addresses before connecting", async () => {
    const fetcher = createMediaFetcher({ policy: createAddressPolicy() });
    for (const host of [
      "127.0.0.1",
      "10.0.0.1",
      "169.254.169.254",
      "[::1]",
      "[::ffff:127.0.0.1]",
      "100.64.0.1",
    ]) {
      await assert.rejects(fetcher.fetch(`http://${host}/x`), /refused/, host);
    }
    const rebinding = createMediaFetcher({
      policy: createAddressPolicy(),
      resolve: async () => [
        { address: "93.184.216.34", family: 4 },
        { address: "10.0.0.7", family: 4 },
      ],
    });
    await assert.rejects(rebinding.fetch("http://mixed.example/x"), /refused/);
    await assert.rejects(
      fetcher.fetch(`${base}/ok`),
      /refused/,
      "loopback fixture is refused without the allowlist",
    );
    await assert.rejects(
      fetcher.fetch("http://localhost/x"),
      /refused/,
      "names resolving to loopback are refused",
    );
  });

  it("refuses other schemes and credentials in the URL", async () => {
    const fetcher = createMediaFetcher({ policy: createAddressPolicy() });
    await assert.rejects(fetcher.fetch("ftp://example.com/x"), /http or https/);
    await assert.rejects(fetcher.fetch("file:///etc/passwd"), /http or https/);
    await assert.rejects(fetcher.fetch("http://user:pw@example.com/x"), /credentials/);
  });

  it("with an explicit allowlist: fetches, but never follows redirects and caps the size", async () => {
    const fetcher = createMediaFetcher({ policy: createAddressPolicy(["127.0.0.1/32"]), maxBytes: 1024 });
    const fetched = await fetcher.fetch(`${base}/ok`);
    assert.equal(fetched.contentType, "image/png");
    assert.equal(fetched.bytes.length, 8);
    await assert.rejects(fetcher.fetch(`${base}/redirect`), /redirects are not followed/);
    await assert.rejects(fetcher.fetch(`${base}/big`), /larger than 1024/);
    await assert.rejects(fetcher.fetch(`${base}/big-declared`), /larger than 1024/);
    await assert.rejects(
      fetcher.fetch(`${base}/ok`).then(() => fetcher.fetch("http://10.0.0.1/x")),
      MediaFetchError,
    );
  });

  it("turns a refused media URL into a 400 problem on the send route", async () => {
    const { request, transport } = await appWithFakeTransport(await generateGatewayKeys());
    for (const url of ["http://169.254.169.254/latest/meta-data", `${base}/ok`, "http://[::1]:8080/"]) {
      const response = await request("POST", "/messages/image", { to: "15550002222@s.whatsapp.net", url });
      assert.equal(response.status, 400, url);
      assert.equal(response.headers.get("content-type"), "application/problem+json");
      assert.match(((await response.json()) as { detail: string }).detail, /^url: media url refused/);
    }
    assert.equal(transport.calls.length, 0, "nothing was sent");
  });
});
