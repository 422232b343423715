import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { decodeJwt } from "jose";
import { type MetadataServer, startMetadataServer } from "../../scripts/stack/metadata.js";
import {
  cachedIdTokens,
  IdTokenUnavailable,
  metadataIdTokens,
  REFRESH_BEFORE_EXPIRY_MS,
} from "../src/adapters/idTokens.js";

// ID tokens for instance services: fetched from a metadata server over HTTP (the stack's stand-in,
// reached through GCE_METADATA_HOST as in production through the real one), cached per audience
// until 5 minutes before expiry, one fetch in flight per audience, failures refused as unavailable.
const GATEWAY = "wsapi-gateway@demo-wsapi.iam.gserviceaccount.com";
const A = "http://127.0.0.1:41001";
const B = "http://127.0.0.1:41002";

let clock = Date.parse("2030-01-01T00:00:00Z");
const now = () => clock;
let metadata: MetadataServer;
const previousHost = process.env.GCE_METADATA_HOST;

before(async () => {
  metadata = await startMetadataServer({ port: 0, projectId: "demo-wsapi", defaultAccount: GATEWAY, now });
  process.env.GCE_METADATA_HOST = metadata.host;
});
after(async () => {
  if (previousHost === undefined) delete process.env.GCE_METADATA_HOST;
  else process.env.GCE_METADATA_HOST = previousHost;
  await metadata.stop();
});

/** The real metadata fetcher, counting what reaches the server. */
function countingFetcher() {
  const fetchToken = metadataIdTokens();
  const calls: string[] = [];
  return {
    calls,
    fetch: async (audience: string) => {
      calls.push(audience);
      return fetchToken(audience);
    },
  };
}

describe("ID tokens from the metadata server", () => {
  it("gets a Google-shaped token for the function's own account and the audience asked for", async () => {
    const token = await metadataIdTokens()(A);
    const claims = decodeJwt(token);
    assert.equal(claims.aud, A);
    assert.equal(claims.iss, "https://accounts.google.com");
    assert.equal(claims.email, GATEWAY);
    assert.equal(claims.email_verified, true);
    assert.equal(claims.azp, claims.sub);
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 3600);
  });

  it("reuses a token until 5 minutes before it expires, then fetches a new one", async () => {
    const counter = countingFetcher();
    const tokens = cachedIdTokens(counter.fetch, { now });
    const first = await tokens.get(A);
    clock += 3600_000 - REFRESH_BEFORE_EXPIRY_MS - 1_000;
    assert.equal(await tokens.get(A), first);
    assert.equal(counter.calls.length, 1);
    clock += 2_000;
    const second = await tokens.get(A);
    assert.notEqual(second, first);
    assert.equal(counter.calls.length, 2);
    assert.equal(decodeJwt(second).iat, Math.floor(clock / 1000));
  });

  it("keeps one token per audience and one fetch in flight per audience", async () => {
    const counter = countingFetcher();
    const tokens = cachedIdTokens(counter.fetch, { now });
    const got = await Promise.all([
      tokens.get(A),
      tokens.get(B),
      tokens.get(A),
      tokens.get(B),
      tokens.get(A),
    ]);
    assert.deepEqual(counter.calls.sort(), [A, B]);
    assert.equal(new Set(got).size, 2);
    assert.equal(decodeJwt(got[0]!).aud, A);
    assert.equal(decodeJwt(got[1]!).aud, B);
  });

  it("fetches again after forget (a service refused the token)", async () => {
    const counter = countingFetcher();
    const tokens = cachedIdTokens(counter.fetch, { now });
    await tokens.get(A);
    tokens.forget(A);
    await tokens.get(A);
    assert.equal(counter.calls.length, 2);
  });

  it("answers IdTokenUnavailable when the metadata server cannot be reached", async () => {
    process.env.GCE_METADATA_HOST = "127.0.0.1:9"; // discard port: nothing listens
    try {
      const tokens = cachedIdTokens(metadataIdTokens(), { now, timeoutMs: 2_000 });
      await assert.rejects(tokens.get(A), IdTokenUnavailable);
    } finally {
      process.env.GCE_METADATA_HOST = metadata.host;
    }
  });

  it("gives up on a fetch that hangs", async () => {
    const tokens = cachedIdTokens(() => new Promise<string>(() => {}), { now, timeoutMs: 50 });
    await assert.rejects(tokens.get(A), (error: Error) => {
      assert.ok(error instanceof IdTokenUnavailable);
      assert.match(error.message, /timed out/);
      return true;
    });
  });

  it("refuses a token for another audience or without expiry", async () => {
    const other = cachedIdTokens(() => metadataIdTokens()(B), { now });
    await assert.rejects(other.get(A), /another audience/);
    const opaque = cachedIdTokens(async () => "not-a-jwt", { now });
    await assert.rejects(opaque.get(A), IdTokenUnavailable);
  });

  it("keeps using a still-valid token while a refresh fails, never an expired one", async () => {
    let failing = false;
    const fetchToken = metadataIdTokens();
    const tokens = cachedIdTokens(
      async (audience) => {
        if (failing) throw new Error("metadata server down");
        return fetchToken(audience);
      },
      { now },
    );
    const token = await tokens.get(A);
    failing = true;
    clock += 3600_000 - REFRESH_BEFORE_EXPIRY_MS + 1_000; // due for refresh, still valid for ~5 min
    assert.equal(await tokens.get(A), token);
    clock += REFRESH_BEFORE_EXPIRY_MS; // expired
    await assert.rejects(tokens.get(A), IdTokenUnavailable);
    failing = false;
    assert.notEqual(await tokens.get(A), token);
  });
});

describe("the metadata stand-in", () => {
  const identity = (account: string, audience: string, headers: Record<string, string>) =>
    fetch(
      `${metadata.url}/computeMetadata/v1/instance/service-accounts/${account}/identity?audience=${encodeURIComponent(audience)}&format=full`,
      { headers },
    );

  it("requires Metadata-Flavor: Google, and refuses forwarded requests, as the real server does", async () => {
    assert.equal((await identity("default", A, {})).status, 403);
    assert.equal(
      (await identity("default", A, { "metadata-flavor": "Google", "x-forwarded-for": "10.0.0.1" })).status,
      403,
    );
    const ok = await identity("default", A, { "metadata-flavor": "Google" });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("metadata-flavor"), "Google");
  });

  it("needs an audience and knows only its accounts", async () => {
    const flavor = { "metadata-flavor": "Google" };
    assert.equal((await identity("default", "", flavor)).status, 400);
    assert.equal((await identity("someone@example.com", A, flavor)).status, 404);
    const email = await fetch(`${metadata.url}/computeMetadata/v1/instance/service-accounts/default/email`, {
      headers: flavor,
    });
    assert.equal(await email.text(), GATEWAY);
  });

  it("publishes the public keys its tokens verify with", async () => {
    const certs = (await (await fetch(`${metadata.url}/oauth2/v3/certs`)).json()) as {
      keys: Array<{ kty: string; d?: string; kid: string }>;
    };
    assert.equal(certs.keys.length, 1);
    assert.equal(certs.keys[0]!.kty, "RSA");
    assert.equal(certs.keys[0]!.d, undefined);
  });
});
