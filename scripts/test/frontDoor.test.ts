// The supervisor's front door does what Cloud Run's IAM invoker check does, in front of each
// instance process: tested here with a small echo service in place of the instance.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { generateKeyPair, SignJWT } from "jose";
import { localAccounts, type MetadataServer, startMetadataServer } from "../stack/metadata.ts";
import { startSupervisor } from "../stack/supervisor.ts";

const PROJECT = "demo-wsapi";
const GATEWAY = `wsapi-gateway@${PROJECT}.iam.gserviceaccount.com`;
const CONTROL = `wsapi-control@${PROJECT}.iam.gserviceaccount.com`;
const PROVISIONER = `wsapi-provisioner@${PROJECT}.iam.gserviceaccount.com`;

// Echoes what reached it; /upload counts bytes; /events sends two chunks a while apart.
const ECHO = `
const http = require("node:http");
http.createServer((req, res) => {
  if (req.url === "/healthz") return res.end("ok");
  if (req.url === "/upload") {
    let bytes = 0;
    req.on("data", (chunk) => { bytes += chunk.length; });
    req.on("end", () => res.end(JSON.stringify({ bytes })));
    return;
  }
  if (req.url === "/events") {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write("data: first\\n\\n");
    setTimeout(() => res.end("data: second\\n\\n"), 1500);
    return;
  }
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ headers: req.headers, port: Number(process.env.PORT), url: req.url }));
}).listen(Number(process.env.PORT), "127.0.0.1");
`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let metadata: MetadataServer;
let supervisor: { url: string; stop(): Promise<void> };
let instanceUrl: string;
const dir = mkdtempSync(join(tmpdir(), "wsapi-frontdoor-"));

async function idToken(account: string, audience: string) {
  const response = await fetch(
    `${metadata.url}/computeMetadata/v1/instance/service-accounts/${account}/identity?audience=${encodeURIComponent(audience)}&format=full`,
    { headers: { "metadata-flavor": "Google" } },
  );
  assert.equal(response.status, 200);
  return response.text();
}

const ensure = (invokers: string[]) =>
  fetch(`${supervisor.url}/v1/runtimes/iecho`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ env: {}, instanceSecret: "s", invokers }),
  }).then((r) => r.json() as Promise<{ state: string; url: string; pid: number }>);

before(async () => {
  metadata = await startMetadataServer({ port: 0, projectId: PROJECT, ...localAccounts(PROJECT) });
  supervisor = await startSupervisor({
    port: await freePort(),
    command: [process.execPath, "-e", ECHO],
    dataRoot: join(dir, "instances"),
    logDir: join(dir, "logs"),
    idTokenKeys: metadata.keys,
  });
  const view = await ensure([GATEWAY, CONTROL]);
  assert.equal(view.state, "running", "health checks reach the private port");
  instanceUrl = view.url;
});

after(async () => {
  await supervisor.stop();
  await metadata.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the instance front door", () => {
  it("passes a call with a valid ID token in X-Serverless-Authorization, signature removed", async () => {
    const token = await idToken("default", instanceUrl);
    const response = await fetch(`${instanceUrl}/hello?x=1`, {
      headers: { "x-serverless-authorization": `Bearer ${token}`, authorization: "Bearer ours" },
    });
    assert.equal(response.status, 200);
    const echoed = (await response.json()) as { headers: Record<string, string>; port: number; url: string };
    assert.equal(echoed.url, "/hello?x=1");
    assert.equal(echoed.headers.authorization, "Bearer ours", "our own token reaches the instance");
    const [head, payload] = token.split(".");
    assert.equal(
      echoed.headers["x-serverless-authorization"],
      `Bearer ${head}.${payload}.SIGNATURE_REMOVED_BY_GOOGLE`,
    );
    assert.notEqual(echoed.port, Number(new URL(instanceUrl).port), "the instance listens privately");
  });

  it("accepts the ID token in Authorization when X-Serverless-Authorization is absent", async () => {
    const token = await idToken(CONTROL, instanceUrl);
    const response = await fetch(`${instanceUrl}/hello`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200);
    const echoed = (await response.json()) as { headers: Record<string, string> };
    assert.match(echoed.headers.authorization ?? "", /\.SIGNATURE_REMOVED_BY_GOOGLE$/);
  });

  it("answers 403 without a token and for an account that is not an invoker", async () => {
    const none = await fetch(`${instanceUrl}/hello`);
    assert.equal(none.status, 403);
    assert.match(none.headers.get("content-type") ?? "", /^text\/html/);
    const outsider = await fetch(`${instanceUrl}/hello`, {
      headers: { "x-serverless-authorization": `Bearer ${await idToken(PROVISIONER, instanceUrl)}` },
    });
    assert.equal(outsider.status, 403);
  });

  it("answers 401 for a token for another audience, signed by another key, or not a JWT", async () => {
    const otherAudience = await idToken("default", "http://127.0.0.1:1");
    const { privateKey } = await generateKeyPair("RS256");
    const forged = await new SignJWT({ email: GATEWAY, email_verified: true })
      // The stand-in's own key id, so the signature itself is what fails.
      .setProtectedHeader({ alg: "RS256", kid: metadata.jwks.keys[0]!.kid! })
      .setIssuer("https://accounts.google.com")
      .setAudience(instanceUrl)
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(privateKey);
    for (const token of [otherAudience, forged, "not-a-token"]) {
      const response = await fetch(`${instanceUrl}/hello`, {
        headers: { "x-serverless-authorization": `Bearer ${token}` },
      });
      assert.equal(response.status, 401, token.slice(0, 20));
      assert.match(response.headers.get("www-authenticate") ?? "", /invalid_token/);
    }
  });

  it("checks only X-Serverless-Authorization when both headers are present", async () => {
    const valid = await idToken("default", instanceUrl);
    const response = await fetch(`${instanceUrl}/hello`, {
      headers: { "x-serverless-authorization": "Bearer a.b.c", authorization: `Bearer ${valid}` },
    });
    assert.equal(response.status, 401);
  });

  it("streams a 50 MB request body and a response that arrives in pieces", async () => {
    const token = await idToken("default", instanceUrl);
    const headers = { "x-serverless-authorization": `Bearer ${token}` };
    const size = 50 * 1024 * 1024;
    const upload = await fetch(`${instanceUrl}/upload`, {
      method: "POST",
      headers,
      body: new Uint8Array(size),
    });
    assert.deepEqual(await upload.json(), { bytes: size });
    const started = Date.now();
    const events = await fetch(`${instanceUrl}/events`, { headers });
    const reader = events.body!.getReader();
    const first = await reader.read();
    assert.match(new TextDecoder().decode(first.value), /first/);
    assert.ok(Date.now() - started < 1000, "the first event is not held back until the response ends");
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += new TextDecoder().decode(chunk.value);
    assert.match(rest, /second/);
  });

  it("changes who may invoke without restarting the instance", async () => {
    const before = await ensure([GATEWAY, CONTROL]);
    const call = async () =>
      (
        await fetch(`${instanceUrl}/hello`, {
          headers: { "x-serverless-authorization": `Bearer ${await idToken(PROVISIONER, instanceUrl)}` },
        })
      ).status;
    assert.equal(await call(), 403);
    const widened = await ensure([GATEWAY, CONTROL, PROVISIONER]);
    assert.equal(widened.pid, before.pid);
    assert.equal(await call(), 200);
    await ensure([GATEWAY, CONTROL]);
    assert.equal(await call(), 403);
  });

  it("answers 503 (a platform page, not the instance's) while the instance process is down", async () => {
    const view = await ensure([GATEWAY, CONTROL]);
    process.kill(view.pid, "SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const response = await fetch(`${instanceUrl}/hello`, {
      headers: { "x-serverless-authorization": `Bearer ${await idToken("default", instanceUrl)}` },
    });
    assert.equal(response.status, 503);
    assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
  });
});
