import type { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import type { KeyRing } from "../core/ports/keyRing.js";

// Each enabled version of one Secret Manager secret is a data key; the newest encrypts.
// Versions are immutable, so a key once read is cached for the life of the process.
const REFRESH_MS = 10 * 60_000;

export function secretManagerKeyRing(
  client: SecretManagerServiceClient,
  secretName: string,
  now = Date.now,
): KeyRing {
  const keys = new Map<number, Buffer>();
  let currentVersion: number | undefined;
  let listedAt = 0;

  async function access(version: number): Promise<Buffer | undefined> {
    const cached = keys.get(version);
    if (cached) return cached;
    const [response] = await client.accessSecretVersion({ name: `${secretName}/versions/${version}` });
    const data = response.payload?.data;
    if (!data) return undefined;
    const key = Buffer.from(typeof data === "string" ? data : Buffer.from(data).toString("utf8"), "base64");
    if (key.length !== 32) throw new Error(`data key version ${version} is not 256 bits`);
    keys.set(version, key);
    return key;
  }

  async function newestEnabled(): Promise<number> {
    if (currentVersion !== undefined && now() - listedAt < REFRESH_MS) return currentVersion;
    const [versions] = await client.listSecretVersions({ parent: secretName, filter: "state:ENABLED" });
    const numbers = versions
      .filter((version) => version.state === "ENABLED" || version.state === undefined)
      .map((version) => Number(version.name?.split("/").pop()))
      .filter((version) => Number.isInteger(version));
    if (numbers.length === 0) throw new Error("no enabled data key version");
    currentVersion = Math.max(...numbers);
    listedAt = now();
    return currentVersion;
  }

  return {
    async current() {
      const version = await newestEnabled();
      const key = await access(version);
      if (!key) throw new Error("current data key version has no payload");
      return { version, key };
    },
    async get(version) {
      try {
        return await access(version);
      } catch {
        return undefined;
      }
    },
  };
}
