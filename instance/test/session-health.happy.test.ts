// Session health over the real simulator socket, with short timings: a frozen socket is pinged,
// probed, dropped and reconnected; a replaced connection says so; events wait out the freeze.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { WhatsAppEvent } from "@wsapi/contracts/events";
import { waitFor } from "../../test/support/wait.js";
import { silentLogs } from "../src/logs.js";
import { type RunningSimulator, startSimulator } from "../src/simulator/server.js";
import type { SessionStateStore } from "../src/transport/port.js";
import { SimulatorTransport } from "../src/transport/simulator.js";
import { simulatorCall } from "./support/instances.js";

const PHONE = "15550004444";
const CONTACT = "15550004445";

function memorySession(): SessionStateStore {
  let stored: string | null = null;
  return {
    load: async () => stored,
    save: (snapshot) => {
      stored = snapshot();
    },
    clear: async () => {
      stored = null;
    },
    flush: async () => {},
  };
}

function startTransport(simulatorUrl: string, instanceId: string, session = memorySession()) {
  const events: WhatsAppEvent[] = [];
  const transport = new SimulatorTransport({
    simulatorUrl,
    instanceId,
    session,
    logs: silentLogs,
    onEvent: (event) => events.push(event),
    reconnectMinMs: 20,
    health: { pingAfterMs: 300, probingAfterMs: 600, dropAfterMs: 1_000 },
    healthCheckMs: 25,
  });
  const healthStates = () =>
    events.flatMap((event) => (event.eventType === "session_health" ? [event.eventData.state] : []));
  return { transport, events, healthStates, session };
}

describe("session health on the simulated network", () => {
  let simulator: RunningSimulator;
  let subject: ReturnType<typeof startTransport>;
  let deviceId: string;

  before(async () => {
    simulator = await startSimulator();
    subject = startTransport(simulator.url, "ins_health");
    await subject.transport.start();
    const qr = await waitFor(() => subject.transport.qrCode(), "a QR code");
    const linked = await simulatorCall(simulator.url, "POST", `/v1/phones/${PHONE}/link`, { qr });
    deviceId = ((await linked.json()) as { deviceId: string }).deviceId;
    await waitFor(() => subject.transport.status().health?.state === "healthy", "healthy after pairing");
  });

  after(async () => {
    await subject.transport.stop();
    await simulator.close();
  });

  it("keeps an idle, answering connection healthy: pings are answered", async () => {
    const before = subject.transport.status().health;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const health = subject.transport.status().health;
    assert.equal(health?.state, "healthy");
    assert.equal(health?.reconnects, before?.reconnects);
    assert.ok(
      Date.parse(health?.lastReceivedAt ?? "") > Date.parse(before?.lastReceivedAt ?? ""),
      "pongs count",
    );
  });

  it("detects a silently frozen socket, reconnects, and delivers what arrived meanwhile", async () => {
    const frozen = await simulatorCall(simulator.url, "POST", "/v1/network/freeze", { deviceId });
    assert.equal(frozen.status, 204);
    const frozenAt = Date.now();
    const sent = await simulatorCall(simulator.url, "POST", `/v1/phones/${CONTACT}/messages`, {
      to: PHONE,
      text: "sent while frozen",
    });
    assert.equal(sent.status, 201);
    await waitFor(() => {
      const health = subject.transport.status().health;
      return health?.reconnects === 1 && health.state === "healthy";
    }, "a reconnect, then healthy again");
    const detectedInMs = Date.now() - frozenAt;
    assert.ok(detectedInMs < 4_000, `recovered in ${detectedInMs} ms`);
    const health = subject.transport.status().health;
    assert.equal(health?.reconnects, 1);
    assert.equal(health?.lastDisconnect?.reason, "unresponsive");
    assert.deepEqual(subject.healthStates().slice(-3), ["probing", "reconnecting", "healthy"]);
    assert.ok(subject.transport.status().isLoggedIn, "still paired");
    await waitFor(
      () => subject.events.find((event) => event.eventType === "message"),
      "the message queued during the freeze",
    );
    const unknown = await simulatorCall(simulator.url, "POST", "/v1/network/freeze", { deviceId: "1@x" });
    assert.equal(unknown.status, 404);
  });

  it("leaves a socket thawed before the drop connected", async () => {
    const reconnects = subject.transport.status().health?.reconnects;
    const receivedBefore = subject.transport.status().health?.lastReceivedAt ?? "";
    assert.equal(
      (await simulatorCall(simulator.url, "POST", "/v1/network/freeze", { deviceId })).status,
      204,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(
      (await simulatorCall(simulator.url, "POST", "/v1/network/unfreeze", { deviceId })).status,
      204,
    );
    await waitFor(
      () =>
        Date.parse(subject.transport.status().health?.lastReceivedAt ?? "") >
        Date.parse(receivedBefore) + 100,
      "a pong after the thaw",
    );
    assert.equal(subject.transport.status().health?.reconnects, reconnects);
    assert.equal(subject.transport.status().health?.state, "healthy");
  });

  it("names a replaced connection", async () => {
    const rival = startTransport(simulator.url, "ins_health", subject.session);
    await rival.transport.start();
    await waitFor(
      () => subject.transport.status().health?.lastDisconnect?.reason === "replaced",
      "the replaced reason",
    );
    await rival.transport.stop();
    await waitFor(() => subject.transport.status().health?.state === "healthy", "healthy again");
  });
});
