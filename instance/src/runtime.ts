// Composition root: builds every adapter from the configuration once and starts the service.
import { chmodSync, mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import type { EgressMode } from "@wsapi/contracts/egress";
import { type CryptoKey, importJWK } from "jose";
import { createApp } from "./app.js";
import { type InstanceConfig, redactedConfig } from "./config.js";
import { createControlClient } from "./events/control-client.js";
import { EventOutbox, type OutboxOptions } from "./events/outbox.js";
import { RemoteSessionState, type RemoteSessionStateOptions } from "./events/session-state.js";
import { deriveSpoolKey, EventSpool } from "./events/spool.js";
import { StageReporter, type StageReporterOptions } from "./events/stage-reporter.js";
import type { GatewaySettings } from "./http/auth.js";
import { createLogs, type InstanceLogs } from "./logs.js";
import { startInstanceMetrics } from "./metrics.js";
import { createMediaFetcher } from "./net/media-fetcher.js";
import { SendQueue, type SendQueueOptions } from "./sending/send-queue.js";
import { deriveSendSpoolKey, SendSpool } from "./sending/send-spool.js";
import type { WhatsAppTransport } from "./transport/port.js";
import { SimulatorTransport } from "./transport/simulator.js";

export interface RuntimeOptions {
  logs?: InstanceLogs;
  hostname?: string;
  /** "local" lets media URLs reach loopback and private addresses. Tests only; production passes nothing. */
  mediaEgress?: EgressMode;
  outbox?: Pick<OutboxOptions, "minBackoffMs" | "maxBackoffMs" | "maxPending" | "batchSize">;
  sessionState?: RemoteSessionStateOptions;
  sendQueue?: Pick<SendQueueOptions, "retryMinMs" | "retryMaxMs">;
  stages?: Pick<StageReporterOptions, "batchDelayMs" | "minBackoffMs" | "maxBackoffMs" | "maxPending">;
}

export interface RunningInstance {
  url: string;
  port: number;
  transport: WhatsAppTransport;
  outbox: EventOutbox;
  sendQueue: SendQueue;
  close(): Promise<void>;
}

/** The data directory holds only the encrypted event and send spools, readable by this user alone. */
export function prepareDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
}

export async function startInstance(
  config: InstanceConfig,
  options: RuntimeOptions = {},
): Promise<RunningInstance> {
  const logs = options.logs ?? createLogs({ instanceId: config.instanceId });
  prepareDataDir(config.dataDir);
  const gatewayKey = (await importJWK(config.gatewayPublicJwk, "ES256")) as CryptoKey;
  const control = createControlClient(config);
  const spool = new EventSpool(
    join(config.dataDir, "events.spool"),
    deriveSpoolKey(config.instanceSecret, config.instanceId),
    config.instanceId,
  );
  const outbox = new EventOutbox({
    instanceId: config.instanceId,
    spool,
    deliver: (events) => control.postEvents(events),
    logs,
    ...options.outbox,
  });
  outbox.start();
  const session = new RemoteSessionState(control, logs, options.sessionState);
  const gatewaySettings: GatewaySettings = { historySync: false };
  const stages = new StageReporter({
    post: (reports) => control.postStages(reports),
    logs,
    ...options.stages,
  });
  const transport = await createTransport(config, {
    session,
    logs,
    onEvent: (event) => void outbox.publish(event),
    historySync: () => gatewaySettings.historySync,
    onServerAck: (messageId) => stages.record(messageId, "serverAck"),
  });
  const mediaFetcher = createMediaFetcher({ mode: options.mediaEgress ?? "production" });
  const sendQueue = new SendQueue({
    spool: new SendSpool(
      join(config.dataDir, "send.spool"),
      deriveSendSpoolKey(config.instanceSecret, config.instanceId),
      config.instanceId,
    ),
    transport,
    logs,
    recordStage: stages.record,
    ...options.sendQueue,
  });
  sendQueue.start();
  const metrics = config.metricsIntervalMs
    ? await startInstanceMetrics({
        controlUrl: config.controlUrl,
        token: () => control.token(),
        exportIntervalMs: config.metricsIntervalMs,
        transport,
        sendQueue,
      })
    : undefined;
  const app = createApp({
    instanceId: config.instanceId,
    gatewayKey,
    transport,
    mediaFetcher,
    logs,
    sendQueue,
    gatewaySettings,
    recordStage: stages.record,
  });
  const hostname = options.hostname ?? "0.0.0.0";
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: config.port, hostname }, () => resolve(started));
  });
  const port = (server.address() as AddressInfo).port;
  // The session is loaded in the background; until then /session/status honestly says "not connected".
  transport
    .start()
    .catch((error: unknown) => logs.transportWarning(`start failed: ${(error as Error).name}`));
  logs.started({ ...redactedConfig(config), port });
  return {
    url: `http://${hostname === "0.0.0.0" ? "127.0.0.1" : hostname}:${port}`,
    port,
    transport,
    outbox,
    sendQueue,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      sendQueue.stop();
      await transport.stop();
      await session.flush().catch(() => {});
      session.stop();
      outbox.stop();
      stages.stop();
      await metrics?.shutdown().catch(() => {});
    },
  };
}

async function createTransport(
  config: InstanceConfig,
  deps: Pick<
    ConstructorParameters<typeof SimulatorTransport>[0],
    "session" | "logs" | "onEvent" | "historySync" | "onServerAck"
  >,
): Promise<WhatsAppTransport> {
  if (config.transport === "simulator") {
    return new SimulatorTransport({
      ...deps,
      simulatorUrl: config.simulatorUrl ?? "",
      instanceId: config.instanceId,
    });
  }
  // Loaded only when used: Baileys is large, and the simulator transport does not need it in memory.
  const { createBaileysTransport } = await import("./transport/baileys.js");
  return createBaileysTransport({ ...deps, instanceId: config.instanceId });
}
