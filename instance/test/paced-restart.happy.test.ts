// A real instance process is killed while paced sends wait in its queue; restarted, it sends the
// rest from its encrypted spool, each message once, under the ids it answered, still paced.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { waitFor } from "../../test/support/wait.js";
import { type ControlPlaneStub, startControlPlane } from "./support/control-plane.js";
import {
  type ChildService,
  InstanceClient,
  pairByQr,
  simulatorCall,
  simulatorInstanceEnv,
  spawnInstance,
  spawnSimulator,
  tempDataDir,
} from "./support/instances.js";
import { type GatewayKeys, generateGatewayKeys, newInstanceSecret } from "./support/keys.js";

const INSTANCE_ID = "ins_paced_restart";
const PHONE = "15552230001";
const CONTACT = "15552239999";
const TEXTS = ["first paced secret", "second paced secret", "third paced secret"];
const GAP_MS = 1_500;
const PACING = { minGapMs: GAP_MS, jitterMs: 0, typingIndicator: false, maxNewContactsPerHour: null };

describe("paced sending across an instance restart", () => {
  let simulator: ChildService;
  let control: ControlPlaneStub;
  let instance: ChildService | undefined;
  let env: Record<string, string>;
  let keys: GatewayKeys;
  const dataDir = tempDataDir("paced-restart");

  const inbox = async () => {
    const response = await simulatorCall(simulator.url, "GET", `/v1/phones/${CONTACT}/messages`);
    return (await response.json()) as Array<{ id: string; text?: string; time: string }>;
  };

  before(async () => {
    keys = await generateGatewayKeys();
    const secret = newInstanceSecret();
    control = await startControlPlane(new Map([[INSTANCE_ID, secret]]));
    simulator = await spawnSimulator();
    env = simulatorInstanceEnv({
      instanceId: INSTANCE_ID,
      keys,
      secret,
      controlUrl: control.url,
      simulatorUrl: simulator.url,
      dataDir,
    });
    instance = await spawnInstance(env);
    await pairByQr(new InstanceClient(instance.url, keys, INSTANCE_ID), simulator.url, PHONE);
    await simulatorCall(simulator.url, "PUT", `/v1/phones/${CONTACT}/profile`, { name: "Contact" });
  });

  after(async () => {
    await instance?.stop();
    await simulator?.stop();
    await control?.close();
  });

  it("resumes after SIGKILL: every message once, in order, the gap kept, no plaintext on disk", async () => {
    const client = new InstanceClient(instance!.url, keys, INSTANCE_ID, { pacing: PACING });
    const ids: string[] = [];
    for (const text of TEXTS) {
      const sent = await client.json<{ id: string }>(
        "POST",
        "/messages/text",
        { to: `${CONTACT}@s.whatsapp.net`, text },
        201,
      );
      ids.push(sent.id);
    }
    await waitFor(async () => (await inbox()).length >= 1, "the first message");
    await instance?.stop("SIGKILL");
    assert.equal((await inbox()).length, 1, "killed while two messages waited");
    const spool = readFileSync(join(dataDir, "send.spool"), "utf8");
    for (const text of TEXTS)
      assert.ok(!spool.includes(text), "message content is never on disk in plaintext");

    instance = await spawnInstance(env);
    const received = await waitFor(
      async () => {
        const messages = await inbox();
        return messages.length >= 3 ? messages : undefined;
      },
      "the queued messages after the restart",
      { timeoutMs: 30_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 2 * GAP_MS));
    const final = await inbox();
    assert.deepEqual(
      final.map((message) => [message.id, message.text]),
      ids.map((id, n) => [id, TEXTS[n]]),
      "each message once, in order, under the id it was answered with",
    );
    const times = received.map((message) => Date.parse(message.time));
    for (let n = 1; n < times.length; n++) assert.ok(times[n]! - times[n - 1]! >= GAP_MS, `gap ${n}`);
    const queue = await new InstanceClient(instance.url, keys, INSTANCE_ID, { pacing: PACING }).json<{
      depth: number;
    }>("GET", "/messages/queue");
    assert.equal(queue.depth, 0);
  });
});
