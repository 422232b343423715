import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { type Receiver, startReceiver } from "../../test/support/receiver.js";
import {
  createWebhookHttpClient,
  MAX_RESPONSE_BYTES,
  WEBHOOK_TIMEOUT_MS,
} from "../src/adapters/webhooks/httpClient.js";
import type { HttpOutcome } from "../src/core/webhooks/delivery.js";
import { startDnsServer } from "./support/dnsServer.js";

const headers = { "content-type": "application/json" };
const post = (client: ReturnType<typeof createWebhookHttpClient>, url: string) =>
  client.post(url, "{}", headers);

function errorOf(outcome: HttpOutcome) {
  assert.equal(outcome.kind, "error", JSON.stringify(outcome));
  return outcome.kind === "error" ? outcome.error : undefined;
}

describe("webhook HTTP client: refusals in production mode, with a real local DNS server", () => {
  let dns: Awaited<ReturnType<typeof startDnsServer>>;
  let receiver: Receiver;
  const FORBIDDEN = {
    "loopback.test": { A: ["127.0.0.1"] },
    "private.test": { A: ["10.0.0.7"] },
    "metadata.test": { A: ["169.254.169.254"] },
    "cgnat.test": { A: ["100.64.0.9"] },
    "ula.test": { AAAA: ["fd00::5"] },
    "mapped.test": { AAAA: ["::ffff:127.0.0.1"] },
    // One public and one private answer: a rebinding attempt is refused as a whole.
    "mixed.test": { A: ["93.184.216.34", "127.0.0.1"] },
  };

  before(async () => {
    dns = await startDnsServer({ ...FORBIDDEN, "empty.test": {} });
    receiver = await startReceiver((_request, res) => res.end("ok"));
  });
  after(async () => {
    await dns.close();
    await receiver.close();
  });

  it("refuses names that resolve to forbidden addresses, without connecting", async () => {
    const client = createWebhookHttpClient({ mode: "production", resolver: dns.resolver });
    for (const name of Object.keys(FORBIDDEN)) {
      const outcome = await post(client, `https://${name}:${receiver.port}/hook`);
      assert.equal(errorOf(outcome), "forbidden_address", name);
    }
    assert.ok(dns.queries.length >= Object.keys(FORBIDDEN).length, "the names were really resolved");
    assert.equal(receiver.connections(), 0);
    await client.close();
  });

  it("refuses plain http and IP literals before resolving anything", async () => {
    const client = createWebhookHttpClient({ mode: "production", resolver: dns.resolver });
    const queries = dns.queries.length;
    assert.equal(errorOf(await post(client, `http://public.test:${receiver.port}/hook`)), "invalid_url");
    assert.equal(errorOf(await post(client, `https://127.0.0.1:${receiver.port}/hook`)), "forbidden_address");
    assert.equal(errorOf(await post(client, "https://[::ffff:7f00:1]/hook")), "forbidden_address");
    assert.equal(dns.queries.length, queries);
    assert.equal(receiver.connections(), 0);
    await client.close();
  });

  it("reports unknown names and names without addresses as DNS failures", async () => {
    const client = createWebhookHttpClient({ mode: "production", resolver: dns.resolver });
    assert.equal(errorOf(await post(client, "https://nowhere.test/hook")), "dns_failure");
    assert.equal(errorOf(await post(client, "https://empty.test/hook")), "dns_failure");
    await client.close();
  });

  it("connects to the address it checked: a local-mode name reaches the receiver via the test DNS", async () => {
    const local = await startDnsServer({ "receiver.test": { A: ["127.0.0.1"] } });
    const client = createWebhookHttpClient({ mode: "local", resolver: local.resolver });
    const outcome = await post(client, `http://receiver.test:${receiver.port}/hook`);
    assert.equal(outcome.kind === "response" && outcome.status, 200);
    assert.equal(receiver.received.at(-1)!.headers.host, `receiver.test:${receiver.port}`);
    // Link-local stays refused even locally.
    const metadata = await startDnsServer({ "meta.test": { A: ["169.254.169.254"] } });
    const guarded = createWebhookHttpClient({ mode: "local", resolver: metadata.resolver });
    assert.equal(errorOf(await post(guarded, "http://meta.test/latest")), "forbidden_address");
    await Promise.all([client.close(), guarded.close(), local.close(), metadata.close()]);
  });
});

describe("webhook HTTP client against misbehaving receivers", () => {
  const sockets = new Set<Socket>();
  let receiver: Receiver;
  let other: Receiver;
  const client = createWebhookHttpClient({ mode: "local", timeoutMs: 800 });

  before(async () => {
    other = await startReceiver((_request, res) => res.end("should never be reached"));
    receiver = await startReceiver((request, res) => {
      const path = request.path;
      if (path === "/ok") res.writeHead(204).end();
      else if (path === "/hang") sockets.add(res.socket!);
      else if (path === "/reset") res.socket!.resetAndDestroy();
      else if (path === "/redirect") res.writeHead(302, { location: `${other.url}` }).end();
      else if (path === "/gone") res.writeHead(410).end();
      else if (path === "/busy") res.writeHead(429, { "retry-after": "120" }).end();
      else if (path === "/slow-body") {
        res.writeHead(200);
        res.write("partial");
        sockets.add(res.socket!);
      } else if (path === "/endless") {
        res.writeHead(200, { "content-type": "text/plain" });
        const chunk = Buffer.alloc(16 * 1024, 120);
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) {}
          if (!res.destroyed) res.once("drain", pump);
        };
        pump();
      }
    });
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await client.close();
    await Promise.all([receiver.close(), other.close()]);
  });

  const at = (path: string) => `http://127.0.0.1:${receiver.port}${path}`;

  it("uses a 15 s timeout and a 64 KB read cap by default", () => {
    assert.equal(WEBHOOK_TIMEOUT_MS, 15_000);
    assert.equal(MAX_RESPONSE_BYTES, 65_536);
  });

  it("succeeds on 2xx and passes the status on", async () => {
    const outcome = await post(client, at("/ok"));
    assert.equal(outcome.kind === "response" && outcome.status, 204);
  });

  it("gives up on a receiver that never answers", async () => {
    const outcome = await post(client, at("/hang"));
    assert.equal(errorOf(outcome), "timeout");
    assert.ok(outcome.durationMs >= 700 && outcome.durationMs < 3_000, `${outcome.durationMs} ms`);
  });

  it("reports a reset connection", async () => {
    assert.equal(errorOf(await post(client, at("/reset"))), "connection_reset");
  });

  it("reports a refused connection", async () => {
    const closed = await startReceiver(() => {});
    await closed.close();
    assert.equal(errorOf(await post(client, closed.url)), "connection_refused");
  });

  it("never follows a redirect: 3xx is the outcome", async () => {
    const outcome = await post(client, at("/redirect"));
    assert.equal(outcome.kind === "response" && outcome.status, 302);
    assert.equal(other.received.length, 0);
  });

  it("passes 410 and Retry-After through", async () => {
    const gone = await post(client, at("/gone"));
    assert.equal(gone.kind === "response" && gone.status, 410);
    const busy = await post(client, at("/busy"));
    assert.equal(busy.kind === "response" && busy.retryAfter, "120");
  });

  it("reads at most 64 KB of an endless body and returns promptly", async () => {
    const outcome = await post(client, at("/endless"));
    assert.equal(outcome.kind, "response");
    if (outcome.kind !== "response") return;
    assert.equal(outcome.status, 200);
    assert.equal(outcome.responseBytes, MAX_RESPONSE_BYTES);
    assert.ok(outcome.durationMs < 700, `${outcome.durationMs} ms`);
  });

  it("keeps the status when the body stalls, within the time bound", async () => {
    const outcome = await post(client, at("/slow-body"));
    assert.equal(outcome.kind === "response" && outcome.status, 200);
    assert.ok(outcome.durationMs < 3_000);
  });
});
