// Only the gateway's tokens for this very instance open the API; every other token is a 401
// problem, on every route.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { before, describe, it } from "node:test";
import { IMPLEMENTED_ROUTES } from "@wsapi/contracts/routes";
import { exportSPKI } from "jose";
import { appWithFakeTransport, INSTANCE_ID } from "./support/app.js";
import { type GatewayKeys, gatewayToken, generateGatewayKeys } from "./support/keys.js";

// Every implemented operation of the route table (parameters filled with anything: the token is
// checked first), and a path that is no route at all.
const ROUTES: [string, string][] = [
  ...IMPLEMENTED_ROUTES.map((route): [string, string] => [route.method, route.path.replace(/:\w+/g, "x")]),
  ["GET", "/no-such-route"],
];

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("gateway token authentication", () => {
  let keys: GatewayKeys;
  let request: Awaited<ReturnType<typeof appWithFakeTransport>>["request"];
  let app: Awaited<ReturnType<typeof appWithFakeTransport>>["app"];
  const now = () => Math.floor(Date.now() / 1000);
  const claims = () => ({
    iss: "wsapi-gateway",
    aud: `wsapi-instance:${INSTANCE_ID}`,
    iat: now(),
    exp: now() + 60,
  });

  before(async () => {
    keys = await generateGatewayKeys();
    ({ request, app } = await appWithFakeTransport(keys));
  });

  const bearer = (token: string) => `Bearer ${token}`;
  const negativeCases: [string, () => Promise<string | null>][] = [
    ["missing", async () => null],
    ["not a bearer token", async () => "Basic Zm9vOmJhcg=="],
    ["an empty bearer", async () => "Bearer "],
    ["garbage", async () => bearer("not.a.jwt")],
    ["expired", async () => bearer(await gatewayToken(keys, INSTANCE_ID, { issuedAtOffsetSeconds: -120 }))],
    [
      "issued in the future",
      async () => bearer(await gatewayToken(keys, INSTANCE_ID, { issuedAtOffsetSeconds: 300 })),
    ],
    [
      "lifetime longer than 60 s",
      async () => bearer(await gatewayToken(keys, INSTANCE_ID, { expiresInSeconds: 3600 })),
    ],
    ["audience of another instance", async () => bearer(await gatewayToken(keys, "ins_other"))],
    ["wrong issuer", async () => bearer(await gatewayToken(keys, INSTANCE_ID, { issuer: "someone-else" }))],
    [
      "signed with another key",
      async () => bearer(await gatewayToken(await generateGatewayKeys(), INSTANCE_ID)),
    ],
    ["alg none", async () => bearer(`${b64({ alg: "none", typ: "JWT" })}.${b64(claims())}.`)],
    [
      "HS256 with the public key as secret (algorithm confusion)",
      async () => {
        const pem = await exportSPKI(keys.publicKey);
        const input = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(claims())}`;
        return bearer(`${input}.${createHmac("sha256", pem).update(input).digest("base64url")}`);
      },
    ],
    [
      "HS256 with the public JWK as secret",
      async () => {
        const input = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(claims())}`;
        const secret = JSON.stringify(keys.publicJwk);
        return bearer(`${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`);
      },
    ],
    [
      "carrying a history_sync claim other than true",
      async () => bearer(await gatewayToken(keys, INSTANCE_ID, { claims: { history_sync: "yes" } })),
    ],
  ];

  for (const [name, makeToken] of negativeCases) {
    it(`refuses a token that is ${name}, on every route`, async () => {
      for (const [method, path] of ROUTES) {
        const authorization = await makeToken();
        const headers: Record<string, string> = {
          "content-type": "application/json",
          "x-request-id": "req_t1",
        };
        if (authorization !== null) headers.authorization = authorization;
        const response = await app.request(path, { method, headers });
        assert.equal(response.status, 401, `${method} ${path}`);
        assert.equal(response.headers.get("content-type"), "application/problem+json");
        assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer/);
        const problem = (await response.json()) as Record<string, unknown>;
        assert.deepEqual(Object.keys(problem).sort(), [
          "code",
          "detail",
          "requestId",
          "status",
          "title",
          "type",
        ]);
        assert.equal(problem.status, 401);
        assert.equal(problem.code, "UNAUTHENTICATED");
        assert.equal(problem.requestId, "req_t1");
      }
    });
  }

  it("accepts the gateway's token for this instance", async () => {
    const response = await request("GET", "/session/status");
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      isConnected: true,
      isLoggedIn: true,
      deviceId: "15550001111:3@s.whatsapp.net",
    });
  });

  it("serves /healthz without a token and without details", async () => {
    const response = await request("GET", "/healthz", undefined, null);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: "ok" });
  });
});
