// A real instance process is killed while the control plane is down; restarted, it resumes its
// WhatsApp session from the control plane and delivers every buffered event exactly once.
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

const INSTANCE_ID = "ins_restart";
const PHONE = "15552220001";
const CONTACT = "15552229999";
const TEXTS = ["first secret line", "second secret line", "third secret line"];

describe("instance restart", () => {
  let simulator: ChildService;
  let control: ControlPlaneStub;
  let instance: ChildService | undefined;
  let env: Record<string, string>;
  let keys: GatewayKeys;
  const dataDir = tempDataDir("restart");

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
    await waitFor(
      () => control.events(INSTANCE_ID).some((e) => e.eventType === "logged_in"),
      "logged_in delivered",
    );
  });

  after(async () => {
    await instance?.stop();
    await simulator?.stop();
    await control?.close();
  });

  it("loses nothing, duplicates nothing, and writes no plaintext", async () => {
    control.setEventsAvailable(false);
    const ids: string[] = [];
    for (const text of TEXTS) {
      const response = await simulatorCall(simulator.url, "POST", `/v1/phones/${CONTACT}/messages`, {
        to: `${PHONE}@s.whatsapp.net`,
        text,
      });
      ids.push(((await response.json()) as { id: string }).id);
    }
    const attempted = () =>
      new Set(control.refused(INSTANCE_ID).map((e) => (e.eventData as { id?: string }).id));
    await waitFor(() => ids.every((id) => attempted().has(id)), "the instance to try (and fail) to deliver");

    await instance?.stop("SIGKILL");
    const spool = readFileSync(join(dataDir, "events.spool"), "utf8");
    for (const text of TEXTS)
      assert.ok(!spool.includes(text), "message content is never on disk in plaintext");

    control.setEventsAvailable(true);
    instance = await spawnInstance(env);
    await waitFor(() => {
      const delivered = control.events(INSTANCE_ID).map((e) => (e.eventData as { id?: string }).id);
      return ids.every((id) => delivered.includes(id));
    }, "buffered messages after the restart");

    const events = control.events(INSTANCE_ID);
    const messages = events.filter((e) => e.eventType === "message");
    assert.deepEqual(
      messages.map((e) => (e.eventData as { text: string }).text),
      TEXTS,
      "each message once, in order",
    );
    assert.equal(new Set(events.map((e) => e.eventId)).size, events.length, "no event id twice");
    assert.equal(
      events.filter((e) => e.eventType === "logged_in").length,
      1,
      "the session resumed without re-pairing",
    );
    const client = new InstanceClient(instance.url, keys, INSTANCE_ID);
    const status = await waitFor(async () => {
      const current = await client.status();
      return current.isConnected ? current : undefined;
    }, "reconnection after the restart");
    assert.equal(status.isLoggedIn, true);
  });
});
