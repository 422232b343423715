import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { assertImageByDigest } from "../src/adapters/cloudRun/names.js";

// The instance image is built by cloudbuild.yaml from instance/Dockerfile and deploys by digest only.
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const dockerfile = read("instance/Dockerfile");
const cloudbuild = read("cloudbuild.yaml");
const DIGEST = /@sha256:[0-9a-f]{64}$/;

describe("instance image pipeline", () => {
  it("builds every stage from a base image pinned by digest", () => {
    const defaults = new Map(
      [...dockerfile.matchAll(/^ARG (\w+)=(\S+)$/gm)].map(([, name, value]) => [name, value] as const),
    );
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map(([, base]) => base ?? "");
    assert.ok(bases.length >= 1);
    for (const base of bases) {
      const resolved = base.replace(/^\$\{(\w+)\}$/, (_, name: string) => defaults.get(name) ?? "");
      assert.match(resolved, /^node:22-bookworm-slim@sha256:[0-9a-f]{64}$/, `FROM ${base}`);
      assert.match(resolved, DIGEST);
    }
  });

  it("ships @wsapi/contracts as a workspace package and nothing of functions/ but its manifest", () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap(([, list]) =>
      list!.split(" "),
    );
    assert.deepEqual(
      sources.filter((source) => source.startsWith("functions/")),
      ["functions/package.json", "functions/package.json"],
    );
    assert.ok(sources.includes("packages/contracts/src"));
    const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    assert.match(
      runtime,
      /^COPY --from=build \/repo\/packages\/contracts\/dist \.\/packages\/contracts\/dist$/m,
    );
    assert.match(
      runtime,
      /^COPY packages\/contracts\/package\.json \.\/packages\/contracts\/package\.json$/m,
    );
    const { main } = JSON.parse(read("instance/package.json"));
    assert.match(runtime, new RegExp(`^CMD \\[.*"${main}"\\]$`, "m"));
  });

  it("pushes to the Artifact Registry repository infra creates and reports the digest", () => {
    const repository = /INSTANCE_REPOSITORY = "([^"]+)"/.exec(read("infra/src/registry.ts"))?.[1];
    assert.equal(repository, "wsapi-instance");
    const image = /^ {2}_IMAGE: (\S+)$/m.exec(cloudbuild)?.[1];
    assert.equal(image, `\${_REGION}-docker.pkg.dev/\${PROJECT_ID}/${repository}/instance`);
    // The build context is the repository root, the Dockerfile the instance's.
    assert.match(
      cloudbuild,
      /args: \["build", "--file", "instance\/Dockerfile", "--tag", "\$\{_IMAGE\}:\$\{_TAG\}", "\."\]/,
    );
    assert.match(cloudbuild, /args: \["push", "\$\{_IMAGE\}:\$\{_TAG\}"\]/);
    // Tags are immutable there: every build tags afresh.
    assert.match(cloudbuild, /^ {2}_TAG: \$\{BUILD_ID\}$/m);
    assert.match(cloudbuild, /^images:\n {2}- \$\{_IMAGE\}:\$\{_TAG\}\n?$/m);
    assert.match(cloudbuild, /echo "WSAPI_INSTANCE_IMAGE=\$\$ref"/);
  });

  it("what the pipeline prints is what the runtime accepts", () => {
    const printed = `europe-west1-docker.pkg.dev/wsapi-prod/wsapi-instance/instance@sha256:${"ab".repeat(32)}`;
    assert.doesNotThrow(() => assertImageByDigest(printed));
    assert.throws(() => assertImageByDigest(printed.replace(/@sha256:.*/, ":1234abc")), /pinned by digest/);
  });
});
