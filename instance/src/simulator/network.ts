// State of the simulated WhatsApp network: accounts (phones), linked devices (instances), live
// connections, pairing by QR and pair code, and fan-out of frames to an account's devices.
import { createHash, randomBytes, randomInt } from "node:crypto";
import type { EventDataOf, EventType, MessageEventData } from "@wsapi/contracts/events";
import {
  type InboxEntry,
  newAccount,
  recordHistory,
  recordInbox,
  type SimAccount,
  type SimChat,
  touchChat,
} from "./accounts.js";
import { type ServerFrame, SIM_CLOSE_REPLACED } from "./protocol.js";

export interface SimSocket {
  send(frame: ServerFrame): void;
  close(code?: number): void;
}

interface SimDevice {
  instanceId: string;
  phone: string;
  deviceId: string;
  deviceNo: number;
  credentialHash: string;
  queue: ServerFrame[];
}

interface SimConnection {
  instanceId: string;
  socket: SimSocket;
  /** Presented the device credential (or just paired): may receive the device's events. */
  authenticated: boolean;
  /** Silently dead: nothing is sent or answered, and no close frame (a test control). */
  frozen: boolean;
  qr: string | undefined;
  qrTimer: NodeJS.Timeout | undefined;
  pairCode: { code: string; phone: string; expiresAt: number } | undefined;
}

export interface NetworkOptions {
  qrRotateMs?: number;
  pairCodeTtlMs?: number;
  offlineQueueLimit?: number;
}

/** What a scan or a typed pair code did: linked the device, or the phone refused it. */
export type PairOutcome = { deviceId: string; error?: undefined } | { deviceId: string; error: string };

/** Messages per `history_sync` frame after pairing. */
const HISTORY_SYNC_CHUNK = 100;
const PAIR_REFUSED = "pairing refused: the phone could not link this device";

const PAIR_CODE_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTVWXYZ";

export const userJid = (phone: string) => `${phone}@s.whatsapp.net`;
export const phoneOf = (jid: string) => /^(\d{5,20})(?::\d+)?@s\.whatsapp\.net$/.exec(jid)?.[1];
const hash = (credential: string) => createHash("sha256").update(credential).digest("hex");

export class SimNetwork {
  readonly accounts = new Map<string, SimAccount>();
  private readonly devices = new Map<string, SimDevice>();
  private readonly connections = new Map<string, SimConnection>();
  private readonly qrRotateMs: number;
  private readonly pairCodeTtlMs: number;
  private readonly offlineQueueLimit: number;

  constructor(options: NetworkOptions = {}) {
    this.qrRotateMs = options.qrRotateMs ?? 20_000;
    this.pairCodeTtlMs = options.pairCodeTtlMs ?? 180_000;
    this.offlineQueueLimit = options.offlineQueueLimit ?? 5_000;
  }

  account(phone: string): SimAccount {
    let account = this.accounts.get(phone);
    if (!account) {
      account = newAccount(phone, userJid(phone));
      this.accounts.set(phone, account);
    }
    return account;
  }

  /** The phone behind an instance's live, authenticated connection. */
  authenticatedPhone(instanceId: string): string | undefined {
    return this.connections.get(instanceId)?.authenticated ? this.devices.get(instanceId)?.phone : undefined;
  }

  deviceOf(instanceId: string): { deviceId: string; deviceNo: number } | undefined {
    return this.devices.get(instanceId);
  }

  connect(instanceId: string, credential: string | undefined, socket: SimSocket): void {
    const previous = this.connections.get(instanceId);
    if (previous) {
      // The newest connection wins, as on WhatsApp ("connection replaced").
      this.stopQr(previous);
      previous.socket.close(SIM_CLOSE_REPLACED);
    }
    const connection: SimConnection = {
      instanceId,
      socket,
      authenticated: false,
      frozen: false,
      qr: undefined,
      qrTimer: undefined,
      pairCode: undefined,
    };
    this.connections.set(instanceId, connection);
    const device = this.devices.get(instanceId);
    if (device && credential !== undefined && device.credentialHash === hash(credential)) {
      connection.authenticated = true;
      socket.send({ type: "session", loggedIn: true, deviceId: device.deviceId });
      for (const frame of device.queue.splice(0)) socket.send(frame);
      return;
    }
    socket.send({ type: "session", loggedIn: false });
    this.startQr(connection);
  }

  disconnect(instanceId: string, socket: SimSocket): void {
    const connection = this.connections.get(instanceId);
    if (connection?.socket !== socket) return;
    this.stopQr(connection);
    this.connections.delete(instanceId);
  }

  requestPairCode(instanceId: string, phone: string): string | undefined {
    const connection = this.connections.get(instanceId);
    if (!connection || connection.authenticated) return undefined;
    const raw = Array.from(
      { length: 8 },
      () => PAIR_CODE_ALPHABET[randomInt(PAIR_CODE_ALPHABET.length)],
    ).join("");
    connection.pairCode = { code: raw, phone, expiresAt: Date.now() + this.pairCodeTtlMs };
    return `${raw.slice(0, 4)}-${raw.slice(4)}`;
  }

  /**
   * Scanning a QR: only the code currently shown is valid (else undefined). With `refuse`, the
   * phone fails to link the device (a test control): the instance is told, and shown a new QR.
   */
  linkByQr(phone: string, qr: string, refuse = false): PairOutcome | undefined {
    const connection = [...this.connections.values()].find((c) => c.qr !== undefined && c.qr === qr);
    if (!connection) return undefined;
    return refuse ? this.refusePairing(connection, phone) : { deviceId: this.pair(connection, phone) };
  }

  /** Typing a pair code on the phone: code and phone must both match, before expiry. */
  linkByPairCode(phone: string, code: string, refuse = false): PairOutcome | undefined {
    const normalized = code.replace(/-/g, "").toUpperCase();
    const connection = [...this.connections.values()].find(
      (c) =>
        c.pairCode?.code === normalized && c.pairCode.phone === phone && c.pairCode.expiresAt > Date.now(),
    );
    if (!connection) return undefined;
    return refuse ? this.refusePairing(connection, phone) : { deviceId: this.pair(connection, phone) };
  }

  private nextDeviceNo(phone: string): number {
    const account = this.account(phone);
    const used = new Set([...account.devices].map((id) => this.devices.get(id)?.deviceNo));
    let deviceNo = 1;
    while (used.has(deviceNo)) deviceNo += 1;
    return deviceNo;
  }

  private refusePairing(connection: SimConnection, phone: string): PairOutcome {
    const deviceId = `${phone}:${this.nextDeviceNo(phone)}@s.whatsapp.net`;
    connection.pairCode = undefined;
    connection.socket.send({ type: "pair_error", deviceId, error: PAIR_REFUSED });
    this.startQr(connection);
    return { deviceId, error: PAIR_REFUSED };
  }

  private pair(connection: SimConnection, phone: string): string {
    this.unlink(connection.instanceId);
    const account = this.account(phone);
    const deviceNo = this.nextDeviceNo(phone);
    const credential = randomBytes(32).toString("base64url");
    const deviceId = `${phone}:${deviceNo}@s.whatsapp.net`;
    this.devices.set(connection.instanceId, {
      instanceId: connection.instanceId,
      phone,
      deviceId,
      deviceNo,
      credentialHash: hash(credential),
      queue: [],
    });
    account.devices.add(connection.instanceId);
    this.stopQr(connection);
    connection.pairCode = undefined;
    connection.authenticated = true;
    connection.socket.send({ type: "paired", deviceId, credential });
    this.sendHistorySync(connection, account);
    return deviceId;
  }

  /** The RECENT history sync WhatsApp sends a new device: every chat's history, oldest first. */
  private sendHistorySync(connection: SimConnection, account: SimAccount): void {
    const messages = [...account.history.values()].flat().sort((a, b) => a.time.localeCompare(b.time));
    for (let start = 0; start === 0 || start < messages.length; start += HISTORY_SYNC_CHUNK) {
      const end = Math.min(messages.length, start + HISTORY_SYNC_CHUNK);
      connection.socket.send({
        type: "history_sync",
        messages: messages.slice(start, end),
        progress: messages.length === 0 ? 100 : Math.floor((end / messages.length) * 100),
      });
    }
  }

  /** Removes a linked device; a connected instance learns why and is shown a fresh QR. */
  logout(instanceId: string, reason: "api_logout" | "server_logout"): void {
    this.unlink(instanceId);
    const connection = this.connections.get(instanceId);
    if (!connection?.authenticated) return;
    connection.authenticated = false;
    connection.socket.send({ type: "logged_out", reason });
    this.startQr(connection);
  }

  /** Whether frames to and from this connection are swallowed (frozen, see freeze()). */
  isFrozen(instanceId: string, socket: SimSocket): boolean {
    const connection = this.connections.get(instanceId);
    return connection?.socket === socket && connection.frozen;
  }

  /**
   * Freezes (or thaws) the live connection of a linked device, found by its device id: the socket
   * stays open but goes silent both ways, as a dead TCP path does. Events wait in the device's queue.
   * Returns false when that device has no live connection.
   */
  setFrozen(deviceId: string, frozen: boolean): boolean {
    const device = [...this.devices.values()].find((candidate) => candidate.deviceId === deviceId);
    const connection = device ? this.connections.get(device.instanceId) : undefined;
    if (!connection) return false;
    connection.frozen = frozen;
    return true;
  }

  /** What the phone shows under Linked devices. */
  linkedDevices(phone: string): Array<{ deviceId: string; online: boolean }> {
    return [...(this.accounts.get(phone)?.devices ?? [])].flatMap((instanceId) => {
      const device = this.devices.get(instanceId);
      return device
        ? [{ deviceId: device.deviceId, online: this.connections.get(instanceId)?.authenticated === true }]
        : [];
    });
  }

  logoutAllDevices(phone: string): number {
    const instanceIds = [...(this.accounts.get(phone)?.devices ?? [])];
    for (const instanceId of instanceIds) this.logout(instanceId, "server_logout");
    return instanceIds.length;
  }

  private unlink(instanceId: string): void {
    const device = this.devices.get(instanceId);
    if (!device) return;
    this.devices.delete(instanceId);
    this.accounts.get(device.phone)?.devices.delete(instanceId);
  }

  /** Sends an event to every device of an account (except the one that caused it), queueing for offline ones. */
  emit<T extends EventType>(
    phone: string,
    eventType: T,
    eventData: EventDataOf<T>,
    exceptInstance?: string,
  ): void {
    const frame: ServerFrame = { type: "event", eventType, eventData };
    const account = this.accounts.get(phone);
    if (account && eventType === "message") recordHistory(account, eventData as MessageEventData);
    for (const instanceId of account?.devices ?? []) {
      if (instanceId !== exceptInstance) this.deliver(instanceId, frame);
    }
  }

  /** Sends an event to one linked device only (answers to that device's own requests). */
  emitToInstance<T extends EventType>(instanceId: string, eventType: T, eventData: EventDataOf<T>): void {
    this.deliver(instanceId, { type: "event", eventType, eventData });
  }

  private deliver(instanceId: string, frame: ServerFrame): void {
    const connection = this.connections.get(instanceId);
    if (connection?.authenticated && !connection.frozen) {
      connection.socket.send(frame);
      return;
    }
    const device = this.devices.get(instanceId);
    if (!device) return;
    device.queue.push(frame);
    if (device.queue.length > this.offlineQueueLimit) device.queue.shift();
  }

  hasOnlineDevice(phone: string): boolean {
    return [...(this.accounts.get(phone)?.devices ?? [])].some(
      (id) => this.connections.get(id)?.authenticated,
    );
  }

  recordInbox(phone: string, entry: InboxEntry): void {
    recordInbox(this.account(phone), entry);
  }

  touchChat(phone: string, chatId: string, isGroup: boolean, at: number): SimChat {
    return touchChat(this.account(phone), chatId, isGroup, at);
  }

  close(): void {
    for (const connection of this.connections.values()) {
      this.stopQr(connection);
      connection.socket.close();
    }
    this.connections.clear();
  }

  private startQr(connection: SimConnection): void {
    this.stopQr(connection);
    const rotate = () => {
      // Same shape as WhatsApp's: "<ref>,<noise key>,<identity key>,<adv secret>".
      const part = (bytes: number) => randomBytes(bytes).toString("base64");
      connection.qr = `2@${randomBytes(18).toString("base64url")},${part(32)},${part(32)},${part(32)}`;
      connection.socket.send({ type: "qr", code: connection.qr });
    };
    rotate();
    connection.qrTimer = setInterval(rotate, this.qrRotateMs);
    connection.qrTimer.unref();
  }

  private stopQr(connection: SimConnection): void {
    clearInterval(connection.qrTimer);
    connection.qrTimer = undefined;
    connection.qr = undefined;
  }
}
