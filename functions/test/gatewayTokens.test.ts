import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GATEWAY_ISSUER, instanceAudience } from "@wsapi/contracts/tokens";
import { exportJWK, generateKeyPair, jwtVerify } from "jose";
import { gatewayTokenSigner } from "../src/adapters/gatewayTokens.js";

// Gateway → instance tokens: one instance's audience, 60 s, reused for a while, and the claims the
// instance acts on (its pacing settings) always the current ones.
describe("gateway tokens", () => {
  it("carries the given claims and reuses a token only while the claims are the same", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
    let now = 1_800_000_000_000;
    const sign = await gatewayTokenSigner(await exportJWK(privateKey), () => now);
    const pacing = { minGapMs: 1500, jitterMs: 200, typingIndicator: true, maxNewContactsPerHour: 5 };

    const plain = await sign("wi1", {});
    const paced = await sign("wi1", { pacing });
    assert.notEqual(plain, paced, "a settings change is not hidden behind a cached token");
    assert.equal(await sign("wi1", { pacing }), paced, "same claims: reused");
    const options = { issuer: GATEWAY_ISSUER, audience: instanceAudience("wi1"), currentDate: new Date(now) };
    assert.deepEqual((await jwtVerify(paced, publicKey, options)).payload.pacing, pacing);
    assert.equal((await jwtVerify(plain, publicKey, options)).payload.pacing, undefined);

    now += 31_000;
    assert.notEqual(await sign("wi1", { pacing }), paced, "re-minted after 30 s");
  });
});
