// Connection to the local simulated WhatsApp network: one WebSocket, JSON frames, reconnect with
// backoff, the session credential kept through the SessionStateStore (like Baileys' auth state).

import {
  EVENT_DATA_SCHEMAS,
  type MessageEventData as MessageData,
  MessageEventData,
  type WhatsAppEvent,
} from "@wsapi/contracts/events";
import WebSocket from "ws";
import { z } from "zod";
import type { InstanceLogs } from "../logs.js";
import {
  type ClientFrame,
  type ServerFrame,
  ServerFrame as ServerFrameSchema,
  SIM_CLOSE_REPLACED,
  SIM_MAX_FRAME_BYTES,
  SIM_SOCKET_PATH,
  type SimOp,
  type SimOpArgs,
} from "../simulator/protocol.js";
import { type HealthTiming, HealthTracker, reportHealth, watchHealth } from "./health.js";
import { HeldHistory, historyEvents } from "./history-hold.js";
import { type SessionStateStore, TransportError, type TransportStatus } from "./port.js";

export interface SimulatorConnectionOptions {
  simulatorUrl: string;
  instanceId: string;
  session: SessionStateStore;
  onEvent: (event: WhatsAppEvent) => void;
  logs: InstanceLogs;
  requestTimeoutMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  health?: Partial<HealthTiming>;
  healthCheckMs?: number;
  /** WSAPI's `historySync` setting as the instance last heard it: keep the history sync after pairing. */
  historySync?: () => boolean;
  /** Called as an answer arrives, before any later frame is read (so before events sent after it). */
  onAnswer?: (op: SimOp, result: unknown) => void;
}

const StoredSession = z.object({ credential: z.string(), deviceId: z.string() });
type Pending = {
  op: SimOp;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
};

export class SimulatorConnection {
  private socket: WebSocket | undefined;
  private connected = false;
  private session: z.infer<typeof StoredSession> | undefined;
  private qr: string | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextRequestId = 1;
  private reconnectAttempts = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private nextPingId = 1;
  private stopWatching: (() => void) | undefined;
  private readonly health: HealthTracker;
  private readonly history = new HeldHistory<MessageData>();
  private syncFinished = false;

  constructor(private readonly options: SimulatorConnectionOptions) {
    this.health = new HealthTracker({
      ...(options.health ? { timing: options.health } : {}),
      onChange: reportHealth(options.logs, options.onEvent),
    });
  }

  async open(): Promise<void> {
    const stored = await this.options.session.load();
    const parsed = StoredSession.safeParse(parseJson(stored));
    // An unreadable stored session is treated as none: the device pairs again.
    if (parsed.success) this.session = parsed.data;
    this.stopWatching = watchHealth(
      this.health,
      {
        ping: () => this.sendFrame({ type: "ping", pingId: this.nextPingId++ }),
        // No close handshake: the other end is not answering. The close handler reconnects.
        drop: () => this.socket?.terminate(),
      },
      this.options.healthCheckMs,
    );
    this.connect();
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.stopWatching?.();
    clearTimeout(this.reconnectTimer);
    this.socket?.close();
    this.failPending("transport stopped");
  }

  status(): TransportStatus {
    const status: TransportStatus = {
      isConnected: this.connected,
      isLoggedIn: this.session !== undefined,
      health: this.health.snapshot(),
    };
    if (this.session) status.deviceId = this.session.deviceId;
    return status;
  }

  qrCode(): string | undefined {
    return this.connected && !this.session ? this.qr : undefined;
  }

  private connect(): void {
    if (this.stopped) return;
    const url = `${this.options.simulatorUrl.replace(/^http/, "ws")}${SIM_SOCKET_PATH}`;
    const socket = new WebSocket(url, { maxPayload: SIM_MAX_FRAME_BYTES });
    this.socket = socket;
    socket.on("open", () => {
      this.sendFrame({
        type: "hello",
        instanceId: this.options.instanceId,
        ...(this.session ? { credential: this.session.credential } : {}),
      });
    });
    socket.on("message", (data) => {
      if (this.socket !== socket) return;
      this.health.received();
      this.receive(data.toString());
    });
    socket.on("error", () => {});
    socket.on("close", (code) => {
      if (this.socket !== socket) return;
      this.health.closed(code === SIM_CLOSE_REPLACED ? "replaced" : "network");
      this.connected = false;
      this.qr = undefined;
      this.failPending("connection to WhatsApp lost");
      if (this.stopped) return;
      this.reconnectAttempts += 1;
      const min = this.options.reconnectMinMs ?? 250;
      const delay = Math.min(
        this.options.reconnectMaxMs ?? 5_000,
        min * 2 ** Math.min(this.reconnectAttempts - 1, 10),
      );
      this.options.logs.transportDisconnected("socket closed", delay);
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    });
  }

  private receive(text: string): void {
    let frame: ServerFrame;
    try {
      frame = ServerFrameSchema.parse(JSON.parse(text));
    } catch {
      this.options.logs.transportWarning("unreadable frame from simulator");
      return;
    }
    switch (frame.type) {
      case "session":
        this.connected = true;
        this.reconnectAttempts = 0;
        if (!frame.loggedIn && this.session) this.forgetSession("server_logout");
        this.health.opened(frame.loggedIn);
        this.options.logs.transportConnected(frame.loggedIn);
        return;
      case "qr":
        this.qr = frame.code;
        return;
      case "paired":
        // A new pairing: its history sync (the frames that follow) starts afresh.
        this.history.clear();
        this.syncFinished = false;
        this.session = { credential: frame.credential, deviceId: frame.deviceId };
        this.qr = undefined;
        this.options.session.save(() => JSON.stringify(this.session ?? null));
        void this.options.session.flush().catch(() => {});
        this.options.logs.pairingSucceeded();
        this.options.onEvent({ eventType: "logged_in", eventData: { deviceId: frame.deviceId } });
        this.health.paired();
        return;
      case "pair_error":
        this.options.logs.transportWarning("pairing refused by WhatsApp");
        this.options.onEvent({
          eventType: "login_error",
          eventData: { id: frame.deviceId, error: frame.error },
        });
        return;
      case "history_sync":
        this.onHistorySync(frame.messages, frame.progress);
        return;
      case "logged_out":
        this.forgetSession(frame.reason);
        return;
      case "event":
        this.emitEvent(frame.eventType, frame.eventData);
        return;
      case "response":
        this.settle(frame);
        return;
      case "pong":
        return;
    }
  }

  /** Kept only with `historySync` on; its last chunk is `initial_sync_finished`. */
  private onHistorySync(messages: unknown[], progress: number): void {
    if (!this.options.historySync?.()) return;
    const valid = messages.flatMap((message) => {
      const parsed = MessageEventData.safeParse(message);
      return parsed.success ? [parsed.data] : [];
    });
    if (valid.length < messages.length)
      this.options.logs.transportWarning("simulator sent malformed history");
    this.history.hold(valid);
    if (progress < 100 || this.syncFinished) return;
    this.syncFinished = true;
    this.options.onEvent({ eventType: "initial_sync_finished", eventData: {} });
  }

  /** /session/flush-history: the held history sync as `message_history_sync` events, then forgotten. */
  flushHistory(): void {
    if (!this.session) throw new TransportError("not_paired", "device not paired");
    for (const event of historyEvents(this.history.take())) this.options.onEvent(event);
  }

  private forgetSession(reason: string): void {
    this.session = undefined;
    this.history.clear();
    this.syncFinished = false;
    this.options.session.clear().catch(() => this.options.logs.sessionStateFailed("save", "clear failed", 0));
    this.options.logs.loggedOut(reason);
    this.options.onEvent({ eventType: "logged_out", eventData: { reason } });
    this.health.loggedOut();
  }

  private emitEvent(eventType: WhatsAppEvent["eventType"], eventData: unknown): void {
    const parsed = EVENT_DATA_SCHEMAS[eventType].safeParse(eventData);
    if (!parsed.success) {
      this.options.logs.transportWarning(`simulator sent malformed ${eventType} data`);
      return;
    }
    this.options.onEvent({ eventType, eventData: parsed.data } as WhatsAppEvent);
  }

  private settle(frame: Extract<ServerFrame, { type: "response" }>): void {
    const pending = this.pending.get(frame.requestId);
    if (!pending) return;
    this.pending.delete(frame.requestId);
    clearTimeout(pending.timer);
    if (frame.error) pending.reject(new TransportError(frame.error.kind, frame.error.detail));
    else {
      this.options.onAnswer?.(pending.op, frame.result);
      pending.resolve(frame.result);
    }
  }

  private failPending(detail: string): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new TransportError("not_connected", detail));
      this.pending.delete(id);
    }
  }

  private sendFrame(frame: ClientFrame): void {
    this.socket?.send(JSON.stringify(frame));
  }

  private request<O extends SimOp>(op: O, args: SimOpArgs<O>): Promise<unknown> {
    if (!this.connected || this.socket?.readyState !== WebSocket.OPEN) {
      return Promise.reject(new TransportError("not_connected", "not connected to WhatsApp; retry shortly"));
    }
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new TransportError("not_connected", "WhatsApp did not answer in time"));
      }, this.options.requestTimeoutMs ?? 15_000);
      this.pending.set(requestId, { op, resolve, reject, timer });
      this.sendFrame({ type: "request", requestId, op, args });
    });
  }

  /** Sends one request and validates the answer; failures arrive as TransportError. */
  async call<O extends SimOp, R>(op: O, args: SimOpArgs<O>, schema: z.ZodType<R>): Promise<R> {
    const parsed = schema.safeParse(await this.request(op, args));
    if (!parsed.success) throw new Error(`simulator answered a malformed ${op} result`);
    return parsed.data;
  }
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
