// A whole test world: simulator, control-plane stub and in-process instances on real sockets.
import type { EventEnvelope } from "@wsapi/contracts/events";
import { waitFor } from "../../../test/support/wait.js";
import type { RunningInstance } from "../../src/runtime.js";
import { type RunningSimulator, startSimulator } from "../../src/simulator/server.js";
import { type ControlPlaneStub, startControlPlane } from "./control-plane.js";
import { InstanceClient, startTestInstance } from "./instances.js";
import { type GatewayKeys, generateGatewayKeys, newInstanceSecret } from "./keys.js";

export type EventMatch = (data: Record<string, unknown>) => boolean;

export interface TestNetwork {
  keys: GatewayKeys;
  simulator: RunningSimulator;
  control: ControlPlaneStub;
  clients: Map<string, InstanceClient>;
  eventsOf(instanceId: string, type: string, match?: EventMatch): EventEnvelope[];
  waitEvent(instanceId: string, type: string, match?: EventMatch): Promise<EventEnvelope>;
  close(): Promise<void>;
}

export const jid = (phone: string) => `${phone}@s.whatsapp.net`;

export async function startTestNetwork(instanceIds: string[], qrRotateMs = 60_000): Promise<TestNetwork> {
  const keys = await generateGatewayKeys();
  const secrets = new Map(instanceIds.map((id) => [id, newInstanceSecret()]));
  const simulator = await startSimulator({ qrRotateMs });
  const control = await startControlPlane(secrets);
  const running: RunningInstance[] = [];
  const clients = new Map<string, InstanceClient>();
  for (const instanceId of instanceIds) {
    const instance = await startTestInstance({
      instanceId,
      secret: secrets.get(instanceId)!,
      keys,
      controlUrl: control.url,
      simulatorUrl: simulator.url,
      mediaEgress: "local",
    });
    running.push(instance);
    clients.set(instanceId, new InstanceClient(instance.url, keys, instanceId));
  }
  const eventsOf = (instanceId: string, type: string, match: EventMatch = () => true) =>
    control
      .events(instanceId)
      .filter((e) => e.eventType === type && match(e.eventData as Record<string, unknown>));
  return {
    keys,
    simulator,
    control,
    clients,
    eventsOf,
    waitEvent: (instanceId, type, match) =>
      waitFor(() => eventsOf(instanceId, type, match)[0], `${type} event at ${instanceId}`),
    close: async () => {
      await Promise.all(running.map((instance) => instance.close()));
      await simulator.close();
      await control.close();
    },
  };
}
