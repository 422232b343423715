// Two instance processes on one machine: each answers only its own gateway tokens, listens on its
// own port, keeps its own 0700 data directory and its own session state.
import assert from "node:assert/strict";
import { statSync } from "node:fs";
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
import { type GatewayKeys, gatewayToken, generateGatewayKeys, newInstanceSecret } from "./support/keys.js";

const A = {
  id: "ins_iso_a",
  phone: "15551110001",
  dataDir: tempDataDir("iso-a"),
  secret: newInstanceSecret(),
};
const B = {
  id: "ins_iso_b",
  phone: "15551110002",
  dataDir: tempDataDir("iso-b"),
  secret: newInstanceSecret(),
};
const OUTSIDE = "15551119999";

describe("instance isolation", () => {
  let keys: GatewayKeys;
  let simulator: ChildService;
  let control: ControlPlaneStub;
  let processA: ChildService;
  let processB: ChildService;
  let a: InstanceClient;
  let b: InstanceClient;

  const envFor = (instance: typeof A) =>
    simulatorInstanceEnv({
      instanceId: instance.id,
      keys,
      secret: instance.secret,
      controlUrl: control.url,
      simulatorUrl: simulator.url,
      dataDir: instance.dataDir,
    });

  before(async () => {
    keys = await generateGatewayKeys();
    control = await startControlPlane(new Map([A, B].map((i) => [i.id, i.secret])));
    simulator = await spawnSimulator();
    [processA, processB] = await Promise.all([spawnInstance(envFor(A)), spawnInstance(envFor(B))]);
    a = new InstanceClient(processA.url, keys, A.id);
    b = new InstanceClient(processB.url, keys, B.id);
  });

  after(async () => {
    await Promise.all([processA?.stop(), processB?.stop()]);
    await simulator?.stop();
    await control?.close();
  });

  it("runs each instance as its own process on its own port", () => {
    assert.notEqual(processA.process.pid, processB.process.pid);
    assert.notEqual(new URL(processA.url).port, new URL(processB.url).port);
  });

  it("refuses the other instance's gateway tokens", async () => {
    const tokenForA = await gatewayToken(keys, A.id);
    const atB = await fetch(`${processB.url}/session/status`, {
      headers: { authorization: `Bearer ${tokenForA}` },
    });
    assert.equal(atB.status, 401);
    const atA = await fetch(`${processA.url}/session/status`, {
      headers: { authorization: `Bearer ${tokenForA}` },
    });
    assert.equal(atA.status, 200);
    const sendAsA = await fetch(`${processB.url}/messages/text`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokenForA}`, "content-type": "application/json" },
      body: JSON.stringify({ to: `${OUTSIDE}@s.whatsapp.net`, text: "driving B" }),
    });
    assert.equal(sendAsA.status, 401);
  });

  it("keeps separate data directories readable by the owner only", () => {
    for (const instance of [A, B]) {
      assert.equal(statSync(instance.dataDir).mode & 0o777, 0o700, `${instance.id} data dir`);
      assert.equal(
        statSync(join(instance.dataDir, "events.spool")).mode & 0o777,
        0o600,
        `${instance.id} spool`,
      );
    }
    assert.notEqual(A.dataDir, B.dataDir);
  });

  it("keeps session state per instance, written with each instance's own credentials", async () => {
    const [deviceA, deviceB] = await Promise.all([
      pairByQr(a, simulator.url, A.phone),
      pairByQr(b, simulator.url, B.phone),
    ]);
    await waitFor(() => control.sessionState(A.id)?.includes(deviceA), "A's session state");
    await waitFor(() => control.sessionState(B.id)?.includes(deviceB), "B's session state");
    assert.ok(!control.sessionState(A.id)?.includes(B.phone));
    assert.ok(!control.sessionState(B.id)?.includes(A.phone));
    assert.equal(control.rejectedCalls, 0, "every control-plane call carried a valid instance token");
    await waitFor(() => control.events(A.id).some((e) => e.eventType === "logged_in"), "A's logged_in");
    assert.ok(control.events(A.id).every((event) => event.instanceId === A.id));
    assert.ok(control.events(B.id).every((event) => event.instanceId === B.id));
  });

  it("does not let A read media that only B and its contact can see", async () => {
    const registered = await simulatorCall(simulator.url, "PUT", `/v1/phones/${OUTSIDE}/profile`, {
      name: "Olive",
    });
    assert.equal(registered.status, 204);
    const data = Buffer.from("private media of B").toString("base64");
    await b.json(
      "POST",
      "/messages/document",
      { to: `${OUTSIDE}@s.whatsapp.net`, data, filename: "b.txt" },
      201,
    );
    const inbox = (await (
      await simulatorCall(simulator.url, "GET", `/v1/phones/${OUTSIDE}/messages`)
    ).json()) as {
      mediaId?: string;
    }[];
    const mediaId = inbox.find((entry) => entry.mediaId)?.mediaId;
    assert.ok(mediaId);
    assert.equal((await b.call("GET", `/media/download?id=${mediaId}`)).status, 200);
    assert.equal((await a.call("GET", `/media/download?id=${mediaId}`)).status, 404);
  });
});
