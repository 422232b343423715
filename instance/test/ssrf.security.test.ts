// Media URLs must not reach our own network: the fetcher applies the egress policy (its address
// table is tested in packages/contracts/test/egress.test.ts) to the URL and to every resolved
// address; redirects are not followed; size is capped. Only local mode (tests) relaxes the guard.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { createMediaFetcher, MediaFetchError } from "../src/net/media-fetcher.js";
import { appWithFakeTransport } from "./support/app.js";
import { generateGatewayKeys } from "./support/keys.js";

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

  it("refuses literal and resolved private addresses before connecting", async () => {
    const fetcher = createMediaFetcher();
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
      resolve: async () => [
        { address: "93.184.216.34", family: 4 },
        { address: "10.0.0.7", family: 4 },
      ],
    });
    await assert.rejects(rebinding.fetch("http://mixed.example/x"), /refused/);
    await assert.rejects(
      fetcher.fetch(`${base}/ok`),
      /refused/,
      "loopback fixture is refused in production mode",
    );
    await assert.rejects(
      fetcher.fetch("http://localhost/x"),
      /refused/,
      "names resolving to loopback are refused",
    );
  });

  it("refuses other schemes and credentials in the URL", async () => {
    const fetcher = createMediaFetcher();
    await assert.rejects(fetcher.fetch("ftp://example.com/x"), /http or https/);
    await assert.rejects(fetcher.fetch("file:///etc/passwd"), /http or https/);
    await assert.rejects(fetcher.fetch("http://user:pw@example.com/x"), /credentials/);
  });

  it("in local mode: fetches, but never follows redirects and caps the size", async () => {
    const fetcher = createMediaFetcher({ mode: "local", maxBytes: 1024 });
    const fetched = await fetcher.fetch(`${base}/ok`);
    assert.equal(fetched.contentType, "image/png");
    assert.equal(fetched.bytes.length, 8);
    await assert.rejects(fetcher.fetch(`${base}/redirect`), /redirects are not followed/);
    await assert.rejects(fetcher.fetch(`${base}/big`), /larger than 1024/);
    await assert.rejects(fetcher.fetch(`${base}/big-declared`), /larger than 1024/);
    await assert.rejects(fetcher.fetch("http://169.254.169.254/latest/meta-data"), /refused/);
    await assert.rejects(fetcher.fetch("http://metadata.google.internal/"), MediaFetchError);
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
