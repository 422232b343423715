// Production transport: WhatsApp through Baileys v7. Pairs by QR or pair code, reconnects with
// exponential backoff, reports its status honestly, and keeps its auth state in the control plane.
import makeWASocket, {
  Browsers,
  type ConnectionState,
  makeCacheableSignalKeyStore,
  type SocketConfig,
  type WASocket,
} from "@whiskeysockets/baileys";
import type { WhatsAppEvent } from "@wsapi/contracts/events";
import type { InstanceLogs } from "../logs.js";
import { backoffDelay } from "../net/backoff.js";
import { createBaileysOperations } from "./baileys-actions.js";
import { RemoteAuthState } from "./baileys-auth-state.js";
import { createBaileysCommunities } from "./baileys-communities.js";
import { createBaileysCoreOperations } from "./baileys-core-ops.js";
import { BaileysHistory } from "./baileys-history.js";
import { type Me, normalizeJid } from "./baileys-jid.js";
import {
  disconnectCode,
  mapCalls,
  mapChatUpdates,
  mapContacts,
  mapGroupParticipantsUpdate,
  mapGroupsUpdate,
  mapMessage,
  mapMessageUpdates,
  mapPresenceUpdate,
  mapReceiptUpdates,
  reduceConnectionUpdate,
  type SessionPhase,
  serverAckedIds,
  UnsupportedMessage,
} from "./baileys-mapping.js";
import { createBaileysNewsletters } from "./baileys-newsletters.js";
import { createBaileysStatus } from "./baileys-status.js";
import { BaileysStore } from "./baileys-store.js";
import { disconnectReasonOf, type HealthTiming, HealthTracker, reportHealth, watchHealth } from "./health.js";
import {
  type SessionStateStore,
  TransportError,
  type TransportStatus,
  type WhatsAppTransport,
} from "./port.js";

type ILogger = SocketConfig["logger"];

export interface BaileysTransportOptions {
  instanceId: string;
  session: SessionStateStore;
  onEvent: (event: WhatsAppEvent) => void;
  logs: InstanceLogs;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  health?: Partial<HealthTiming>;
  /** WSAPI's `historySync` setting as the instance last heard it: keep the history sync after pairing. */
  historySync?: () => boolean;
  /** WhatsApp's server acknowledged one of our messages (status SERVER_ACK). */
  onServerAck?: (messageId: string) => void;
}

// Baileys pings every keepAliveIntervalMs and ends a socket silent past that + 5 s (408), checked at
// each interval: 10 s detects a dead socket within 20-25 s. Our tracker is the backstop beside it.
const KEEP_ALIVE_MS = 10_000;

/** Baileys logs message payloads at debug level; only fixed warning texts may pass. */
function quietLogger(logs: InstanceLogs): ILogger {
  const forward = (_details: unknown, message?: string) => {
    if (typeof message === "string") logs.transportWarning(message.slice(0, 200));
  };
  const logger: ILogger = {
    level: "warn",
    child: () => logger,
    trace: () => {},
    debug: () => {},
    info: () => {},
    warn: forward,
    error: forward,
  };
  return logger;
}

class BaileysSession {
  socket: WASocket | undefined;
  auth: RemoteAuthState | undefined;
  readonly store = new BaileysStore();
  readonly history: BaileysHistory;
  private phase: SessionPhase = { loggedIn: false, pairing: false, apiLogout: false };
  private open = false;
  private qr: string | undefined;
  private attempts = 0;
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private stopWatching: (() => void) | undefined;
  private readonly logger: ILogger;
  private readonly health: HealthTracker;

  constructor(private readonly options: BaileysTransportOptions) {
    this.history = new BaileysHistory(options.historySync);
    this.logger = quietLogger(options.logs);
    this.health = new HealthTracker({
      ...(options.health ? { timing: options.health } : {}),
      onChange: reportHealth(options.logs, options.onEvent),
    });
  }

  async start(): Promise<void> {
    this.auth = await RemoteAuthState.load(this.options.session);
    this.phase.loggedIn = this.auth.hasSession();
    this.stopWatching = watchHealth(this.health, {
      ping: () => this.ping(),
      drop: () => void this.socket?.end(undefined),
    });
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopWatching?.();
    clearTimeout(this.timer);
    this.generation += 1;
    await this.socket?.end(undefined);
    this.socket = undefined;
  }

  me(): Me {
    const id = this.socket?.user?.id ?? this.auth?.meId() ?? "";
    return { id: normalizeJid(id), lid: this.socket?.user?.lid ?? this.auth?.meLid() };
  }

  status(): TransportStatus {
    const isLoggedIn = this.auth?.hasSession() ?? false;
    // A QR is only ever received over a live connection, so showing one counts as connected.
    const status: TransportStatus = {
      isConnected: this.open || (!isLoggedIn && this.qr !== undefined),
      isLoggedIn,
      health: this.health.snapshot(),
    };
    const deviceId = this.socket?.user?.id ?? this.auth?.meId();
    if (isLoggedIn && deviceId) status.deviceId = deviceId;
    return status;
  }

  qrCode(): string | undefined {
    return this.auth?.hasSession() ? undefined : this.qr;
  }

  connectedSocket(): WASocket {
    if (this.socket && this.open) return this.socket;
    if (!this.auth?.hasSession()) throw new TransportError("not_paired", "device not paired");
    throw new TransportError("not_connected", "reconnecting to WhatsApp; retry shortly");
  }

  async requestPairCode(phone: string): Promise<string> {
    if (this.auth?.hasSession()) throw new TransportError("already_paired", "device is already paired");
    if (!this.socket || this.qr === undefined)
      throw new TransportError("not_connected", "not connected to WhatsApp yet");
    const code = await this.socket.requestPairingCode(phone);
    return `${code.slice(0, 4)}-${code.slice(4, 8)}`;
  }

  async logout(): Promise<void> {
    const socket = this.connectedSocket();
    this.phase.apiLogout = true;
    // Ends the socket with 401; the connection handler then emits logged_out and resets the session.
    await socket.logout();
  }

  private connect(): void {
    if (this.stopped || !this.auth) return;
    const generation = ++this.generation;
    const { creds, keys } = this.auth.authState();
    const socket = makeWASocket({
      auth: { creds, keys: makeCacheableSignalKeyStore(keys, this.logger) },
      logger: this.logger,
      browser: Browsers.ubuntu("Chrome"),
      markOnlineOnConnect: false,
      // WSAPI syncs the RECENT history, not the full one.
      syncFullHistory: false,
      // With `historySync` off (the default) the history after pairing is skipped, which keeps memory
      // flat on large accounts; on-demand history (/chats/{id}/messages) is asked for, so processed.
      shouldSyncHistoryMessage: ({ syncType }) => this.history.wants(syncType),
      generateHighQualityLinkPreview: false,
      getMessage: async () => undefined,
      keepAliveIntervalMs: KEEP_ALIVE_MS,
    });
    this.socket = socket;
    // Every decoded frame from WhatsApp, whatever it is, proves the connection alive.
    socket.ws.on("frame", () => generation === this.generation && this.health.received());
    const live = () => generation === this.generation;
    const emit = (events: WhatsAppEvent[]) => {
      if (live()) for (const event of events) this.options.onEvent(event);
    };
    const ctx = () => ({ me: this.me(), now: new Date() });
    const ev = socket.ev;
    ev.on("creds.update", () => this.auth?.save());
    ev.on("connection.update", (update) => live() && this.onConnection(update));
    ev.on("messages.upsert", ({ messages, type }) => {
      if (!live()) return;
      this.store.onMessages(messages);
      // "append" is our own sends echoed back; WSAPI reports only what arrives.
      if (type !== "notify") return;
      for (const message of messages) {
        const mapped = mapMessage(message, ctx());
        if (mapped instanceof UnsupportedMessage) this.options.logs.unsupportedMessage(mapped.kind);
        else if (mapped) emit([mapped]);
      }
    });
    ev.on("messages.update", (updates) => emit(mapMessageUpdates(updates, ctx())));
    ev.on("messages.update", (updates) => {
      if (live()) for (const id of serverAckedIds(updates)) this.options.onServerAck?.(id);
    });
    ev.on("message-receipt.update", (updates) => emit(mapReceiptUpdates(updates, ctx())));
    ev.on("presence.update", (update) => emit(mapPresenceUpdate(update, ctx())));
    ev.on("groups.update", (updates) => emit(mapGroupsUpdate(updates, ctx())));
    ev.on("group-participants.update", (update) => emit(mapGroupParticipantsUpdate(update, ctx())));
    ev.on("call", (calls) => emit(mapCalls(calls)));
    ev.on("contacts.upsert", (contacts) => {
      this.store.onContacts(contacts);
      emit(mapContacts(contacts));
    });
    ev.on("contacts.update", (contacts) => {
      this.store.onContacts(contacts);
      emit(mapContacts(contacts));
    });
    ev.on("chats.upsert", (chats) => this.store.onChatsUpsert(chats));
    ev.on("chats.update", (updates) => {
      this.store.onChatsUpdate(updates);
      emit(mapChatUpdates(updates));
    });
    ev.on("chats.delete", (ids) => this.store.deleteChats(ids));
    ev.on("messaging-history.set", ({ chats, contacts, messages, syncType, progress }) => {
      this.store.onChatsUpsert(chats);
      this.store.onContacts(contacts);
      emit(this.history.onHistorySet({ messages, syncType, progress }, ctx()));
    });
  }

  private onConnection(update: Partial<ConnectionState>): void {
    if (update.qr) this.qr = update.qr;
    const result = reduceConnectionUpdate(this.phase, update, this.socket?.user?.id ?? this.auth?.meId());
    this.phase = result.phase;
    for (const event of result.events) {
      if (event.eventType === "logged_in") this.options.logs.pairingSucceeded();
      if (event.eventType === "logged_out") this.options.logs.loggedOut(event.eventData.reason ?? "");
      this.options.onEvent(event);
    }
    if (update.qr) this.health.opened(false);
    if (update.connection === "open") {
      this.open = true;
      this.qr = undefined;
      this.attempts = 0;
      this.health.opened(true);
      this.options.logs.transportConnected(true);
      return;
    }
    if (update.connection !== "close") return;
    const code = disconnectCode(update);
    this.health.closed(disconnectReasonOf(code), code);
    this.open = false;
    this.qr = undefined;
    if (result.action === "restart-now") {
      this.reconnectIn(0);
      return;
    }
    if (result.action === "reset-session") {
      this.store.clear();
      this.history.clear();
      void this.auth
        ?.reset()
        .catch(() => this.options.logs.sessionStateFailed("save", "reset failed", 0))
        .finally(() => this.reconnectIn(1_000));
      return;
    }
    this.reconnectIn(this.backoff());
  }

  /** The same IQ ping Baileys' keepalive sends; its answer (a frame) marks the connection alive. */
  private ping(): void {
    const socket = this.socket;
    if (!socket) return;
    socket
      .query({
        tag: "iq",
        attrs: { id: socket.generateMessageTag(), to: "s.whatsapp.net", type: "get", xmlns: "w:p" },
        content: [{ tag: "ping", attrs: {} }],
      })
      .catch(() => {});
  }

  private backoff(): number {
    this.attempts += 1;
    return backoffDelay(
      this.attempts,
      this.options.reconnectMinMs ?? 1_000,
      this.options.reconnectMaxMs ?? 60_000,
    );
  }

  private reconnectIn(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.options.logs.transportDisconnected("connection closed", delayMs);
    this.timer = setTimeout(() => this.connect(), delayMs);
  }
}

export function createBaileysTransport(options: BaileysTransportOptions): WhatsAppTransport {
  const session = new BaileysSession(options);
  return {
    ...createBaileysOperations(
      () => session.connectedSocket(),
      session.store,
      () => session.me(),
    ),
    ...createBaileysCoreOperations(
      () => session.connectedSocket(),
      session.store,
      () => session.me(),
      session.history,
      options.onEvent,
    ),
    start: () => session.start(),
    stop: () => session.stop(),
    status: () => session.status(),
    qrCode: () => session.qrCode(),
    requestPairCode: (phone) => session.requestPairCode(phone),
    logout: () => session.logout(),
    statusUpdates: createBaileysStatus(
      () => session.connectedSocket(),
      session.store,
      () => session.me(),
    ),
    newsletters: createBaileysNewsletters(() => session.connectedSocket(), options.onEvent),
    communities: createBaileysCommunities(() => session.connectedSocket()),
  };
}
