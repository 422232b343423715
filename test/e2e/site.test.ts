import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stack } from "../support/stack.js";

// What Firebase Hosting serves around the app: security headers, the SPA fallback, security.txt.
const { hosting } = stack();

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe("hosting", () => {
  it("serves the app with strict security headers, on deep links too", async () => {
    for (const path of ["/", "/instances/some-instance", "/signin"]) {
      const response = await fetch(`${hosting}${path}`);
      assert.equal(response.status, 200, path);
      assert.match(await response.text(), /<div id="root"><\/div>/, `${path} serves the app`);
      const csp = directives(response.headers.get("content-security-policy") ?? "");
      const scripts = csp.get("script-src") ?? csp.get("default-src") ?? [];
      assert.deepEqual(scripts, ["'self'"], "scripts come from this origin only: no inline, no eval");
      assert.deepEqual(csp.get("frame-ancestors"), ["'none'"]);
      assert.deepEqual(csp.get("object-src"), ["'none'"]);
      assert.deepEqual(csp.get("require-trusted-types-for"), ["'script'"]);
      // Besides itself, the page may talk to Firebase Authentication (and its local emulator) only.
      const connect = (csp.get("connect-src") ?? []).filter((source) => source !== "'self'");
      for (const source of connect) {
        assert.match(
          source,
          /^(https:\/\/(identitytoolkit|securetoken)\.googleapis\.com|http:\/\/127\.0\.0\.1:\d+)$/,
        );
      }
      const maxAge = Number(
        /max-age=(\d+)/.exec(response.headers.get("strict-transport-security") ?? "")?.[1],
      );
      assert.ok(maxAge >= 31_536_000, "HSTS for at least a year");
      assert.equal(response.headers.get("referrer-policy"), "no-referrer");
      assert.match(
        response.headers.get("permissions-policy") ?? "",
        /camera=\(\).*microphone=\(\).*geolocation=\(\)/,
      );
      assert.equal(response.headers.get("x-content-type-options"), "nosniff");
      assert.equal(response.headers.get("cross-origin-opener-policy"), "same-origin");
    }
  });

  it("loads no third-party script, style or font", async () => {
    const html = await (await fetch(`${hosting}/`)).text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    assert.ok(sources.length > 0);
    for (const source of sources) assert.match(source, /^(\/[^/]|data:)/, `${source} is same-origin`);
    assert.doesNotMatch(html, /<script>|<script [^>]*>[^<]/, "no inline script");
  });

  it("publishes /.well-known/security.txt (RFC 9116) with a future expiry", async () => {
    const response = await fetch(`${hosting}/.well-known/security.txt`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain/);
    const text = await response.text();
    assert.match(text, /^Contact: (mailto:|https:)/m);
    const expires = Date.parse(/^Expires: (.+)$/m.exec(text)?.[1] ?? "");
    assert.ok(expires > Date.now(), "Expires is in the future (renew it when this fails)");
    assert.ok(expires - Date.now() < 366 * 24 * 3600_000, "RFC 9116: Expires less than a year ahead");
  });
});
