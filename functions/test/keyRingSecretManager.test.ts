import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { after, before, describe, it } from "node:test";
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { secretManagerKeyRing } from "../src/adapters/keyRingSecretManager.js";
import { decryptText, encrypt } from "../src/core/aead.js";

// A local server speaking the Secret Manager v1 REST calls the key ring makes (list versions,
// access a version), so the real client library and its REST transport are exercised.
const SECRET = "projects/demo/secrets/WSAPI_DATA_KEYS";
const versions = new Map<number, { key: Buffer; state: string }>();
const requests: string[] = [];
let server: Server;
let client: SecretManagerServiceClient;

function answer(path: string): [number, unknown] {
  if (path === `/v1/${SECRET}/versions`) {
    return [
      200,
      { versions: [...versions].map(([n, v]) => ({ name: `${SECRET}/versions/${n}`, state: v.state })) },
    ];
  }
  const access = new RegExp(`^/v1/${SECRET}/versions/(\\d+):access$`).exec(path);
  const version = access ? versions.get(Number(access[1])) : undefined;
  if (!access || !version) return [404, { error: { code: 404, message: "not found", status: "NOT_FOUND" } }];
  const payload = Buffer.from(version.key.toString("base64"), "utf8").toString("base64");
  return [200, { name: `${SECRET}/versions/${access[1]}`, payload: { data: payload } }];
}

before(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    requests.push(path);
    const [status, body] = answer(path);
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  client = new SecretManagerServiceClient({
    fallback: true,
    protocol: "http",
    apiEndpoint: "127.0.0.1",
    port,
    apiKey: "k",
  });
});

after(async () => {
  await client.close();
  await new Promise((resolve) => server.close(resolve));
});

describe("Secret Manager key ring", () => {
  const context = { collection: "accountSecrets", docId: "u1", field: "apiKey" };

  it("encrypts with the newest enabled version, decrypts older ones, caches versions", async () => {
    versions.set(1, { key: randomBytes(32), state: "ENABLED" });
    let clock = 0;
    const ring = secretManagerKeyRing(client, SECRET, () => clock);
    const old = await encrypt(ring, "first", context);
    assert.match(old, /^v1\.1\./);

    versions.set(2, { key: randomBytes(32), state: "ENABLED" });
    versions.set(3, { key: randomBytes(32), state: "DISABLED" });
    clock += 11 * 60_000;
    const fresh = await encrypt(ring, "second", context);
    assert.match(fresh, /^v1\.2\./, "a disabled version never encrypts");
    assert.equal(await decryptText(ring, old, context), "first");
    assert.equal(await decryptText(ring, fresh, context), "second");

    const accessCalls = requests.filter((path) => path.endsWith(":access")).length;
    await decryptText(ring, old, context);
    await decryptText(ring, fresh, context);
    assert.equal(
      requests.filter((path) => path.endsWith(":access")).length,
      accessCalls,
      "versions are cached",
    );
  });

  it("refuses ciphertexts under an unknown version", async () => {
    const ring = secretManagerKeyRing(client, SECRET);
    const envelope = await encrypt(ring, "x", context);
    const unknown = envelope.replace(/^v1\.\d+\./, "v1.99.");
    await assert.rejects(decryptText(ring, unknown, context), /unknown key version/);
  });
});
