// The committed firebase.json is production's; only the local stack's derived copy lets the dashboard
// reach the Auth emulator, and the copy differs in nothing else.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  allowConnectTo,
  authEmulatorOrigin,
  type FirebaseJson,
  LOCAL_CONFIG,
  localFirebaseConfig,
  writeLocalFirebaseConfig,
} from "../stack/localFirebaseConfig.ts";

const committedText = readFileSync(new URL("../../firebase.json", import.meta.url), "utf8");
const committed = JSON.parse(committedText) as FirebaseJson;

function policies(config: FirebaseJson): string[] {
  return config.hosting.headers.flatMap((rule) =>
    rule.headers
      .filter((header) => header.key.toLowerCase() === "content-security-policy")
      .map((h) => h.value),
  );
}

function directive(csp: string, name: string): string[] {
  const found = csp
    .split(";")
    .map((part) => part.trim().split(/\s+/))
    .filter(([first]) => first === name);
  assert.equal(found.length, 1, `one ${name} directive`);
  return found[0]!.slice(1);
}

describe("the committed firebase.json (production)", () => {
  it("sets a CSP with no plain-HTTP, localhost or loopback origin", () => {
    const csps = policies(committed);
    assert.ok(csps.length > 0, "a Content-Security-Policy is set");
    for (const csp of csps) {
      for (const source of csp.split(/[\s;]+/)) {
        assert.doesNotMatch(source, /^(http|ws):|localhost|127\.0\.0\.1|\[::1\]/i, source);
      }
    }
    // Not in any other header either.
    assert.doesNotMatch(JSON.stringify(committed.hosting), /http:\/\/|localhost|127\.0\.0\.1/);
  });

  it("builds what it deploys: the dashboard and the functions", () => {
    const hosting = committed.hosting as { predeploy?: string[]; public?: string };
    assert.equal(hosting.public, "web/dist");
    assert.ok(
      hosting.predeploy?.some((command) => /run build -w web\b/.test(command)),
      "hosting predeploy",
    );
    const [functions] = committed.functions as Array<{ source: string; predeploy?: string[] }>;
    assert.ok(functions?.predeploy?.some((command) => /"\$RESOURCE_DIR" run build\b/.test(command)));
  });
});

describe("the local stack's firebase.local.json", () => {
  const local = localFirebaseConfig(committed);
  const origin = authEmulatorOrigin(committed);

  it("allows exactly the Auth emulator's origin besides production's", () => {
    assert.equal(origin, "http://127.0.0.1:9099");
    const [before, afterDerivation] = [policies(committed), policies(local)];
    assert.equal(afterDerivation.length, before.length);
    for (const [index, csp] of afterDerivation.entries()) {
      assert.deepEqual(directive(csp, "connect-src"), [...directive(before[index]!, "connect-src"), origin]);
    }
  });

  it("changes nothing else", () => {
    const restored = structuredClone(local);
    const originals = policies(committed);
    let index = 0;
    for (const rule of restored.hosting.headers) {
      for (const header of rule.headers) {
        if (header.key.toLowerCase() === "content-security-policy") header.value = originals[index++]!;
      }
    }
    assert.deepEqual(restored, committed);
    assert.equal(
      JSON.stringify(committed),
      JSON.stringify(JSON.parse(committedText)),
      "input left as it was",
    );
  });

  it("edits the connect-src directive alone, wherever it stands", () => {
    assert.equal(
      allowConnectTo("default-src 'self'; connect-src 'self' ; img-src data:", "http://h:1"),
      "default-src 'self'; connect-src 'self' http://h:1; img-src data:",
    );
    assert.equal(allowConnectTo("connect-src 'self'", "http://h:1"), "connect-src 'self' http://h:1");
    assert.throws(() => allowConnectTo("default-src 'self'", "http://h:1"), /one connect-src/);
  });

  const dir = mkdtempSync(join(tmpdir(), "wsapi-firebase-config-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("is written next to firebase.json, so firebase-tools resolves its paths as before", () => {
    cpSync(new URL("../../firebase.json", import.meta.url), join(dir, "firebase.json"));
    assert.equal(writeLocalFirebaseConfig(dir), LOCAL_CONFIG);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, LOCAL_CONFIG), "utf8")), local);
  });
});
