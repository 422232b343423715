import { z } from "zod";
import type { KeyRing } from "../core/ports/keyRing.js";

// Local key ring: the git-ignored secret file holds {"current": n, "keys": {"n": base64(32 bytes)}}.
const keyRingSchema = z.object({
  current: z.number().int().positive(),
  keys: z.record(z.string().regex(/^\d+$/), z.string()),
});

export function parseKeyRing(serialized: string): KeyRing {
  const parsed = keyRingSchema.parse(JSON.parse(serialized));
  const keys = new Map<number, Buffer>();
  for (const [version, encoded] of Object.entries(parsed.keys)) {
    const key = Buffer.from(encoded, "base64");
    if (key.length !== 32) throw new Error(`data key version ${version} is not 256 bits`);
    keys.set(Number(version), key);
  }
  const current = keys.get(parsed.current);
  if (!current) throw new Error("current data key version is missing");
  return {
    current: async () => ({ version: parsed.current, key: current }),
    get: async (version) => keys.get(version),
  };
}
