// Session health of one WhatsApp connection: what state it is in, when it last heard anything, how
// often it dropped and why. Pure except for the injected clock; both transports feed it and act on
// check(): ping a silent socket, and drop one that stays silent so it reconnects.
import type { WhatsAppEvent } from "@wsapi/contracts/events";
import type { DisconnectReason, SessionHealth, SessionHealthState } from "@wsapi/contracts/session-health";
import type { InstanceLogs } from "../logs.js";

export interface HealthTiming {
  /** Silence after which a ping is sent (and sent again each time this long passes unanswered). */
  pingAfterMs: number;
  /** Silence after which the connection counts as probing: a ping has gone unanswered. */
  probingAfterMs: number;
  /** Silence after which the connection is dropped and re-established. */
  dropAfterMs: number;
}

/** Detection by 30 s of silence, plus one check interval and the reconnect: well inside 60 s. */
export const DEFAULT_HEALTH_TIMING: HealthTiming = {
  pingAfterMs: 10_000,
  probingAfterMs: 20_000,
  dropAfterMs: 30_000,
};

export type HealthAction = "none" | "ping" | "drop";
export type HealthChange = { health: SessionHealth; previousState: SessionHealthState };

export interface HealthTrackerOptions {
  now?: () => number;
  timing?: Partial<HealthTiming>;
  onChange?: (change: HealthChange) => void;
}

export class HealthTracker {
  private state: SessionHealthState = "connecting";
  private since: number;
  private lastReceivedAt: number | undefined;
  private lastPingAt: number | undefined;
  private reconnects = 0;
  private lastDisconnect: { reason: DisconnectReason; code?: number; at: number } | undefined;
  private readonly now: () => number;
  private readonly timing: HealthTiming;

  constructor(private readonly options: HealthTrackerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.timing = { ...DEFAULT_HEALTH_TIMING, ...options.timing };
    this.since = this.now();
  }

  snapshot(): SessionHealth {
    const iso = (ms: number) => new Date(ms).toISOString();
    const health: SessionHealth = { state: this.state, since: iso(this.since), reconnects: this.reconnects };
    if (this.lastReceivedAt !== undefined) health.lastReceivedAt = iso(this.lastReceivedAt);
    if (this.lastDisconnect) {
      const { reason, code, at } = this.lastDisconnect;
      health.lastDisconnect = { reason, ...(code !== undefined ? { code } : {}), at: iso(at) };
    }
    return health;
  }

  /** The connection is open; a paired device makes it healthy, an unpaired one waits for pairing. */
  opened(loggedIn: boolean): void {
    this.received();
    this.moveTo(loggedIn ? "healthy" : "logged_out");
  }

  /** Anything at all arrived from WhatsApp (a frame, an answer, a pong). */
  received(): void {
    this.lastReceivedAt = this.now();
    this.lastPingAt = undefined;
    if (this.state === "probing") this.moveTo("healthy");
  }

  paired(): void {
    this.moveTo("healthy");
  }

  loggedOut(): void {
    this.moveTo("logged_out");
  }

  /**
   * The connection ended. Only the drop that ends a working connection counts, with its reason:
   * the close that follows our own drop, and failed attempts while reconnecting, change nothing.
   */
  closed(reason: DisconnectReason, code?: number): void {
    if (this.state === "reconnecting") return;
    this.lastDisconnect = { reason, at: this.now(), ...(code !== undefined ? { code } : {}) };
    if (this.state === "connecting") return;
    this.reconnects += 1;
    this.moveTo("reconnecting");
  }

  /** Called on a timer: what the transport should do about silence now. */
  check(): HealthAction {
    // Only a paired, open connection is watched: an unpaired one waits quietly for a QR scan.
    if (this.state !== "healthy" && this.state !== "probing") return "none";
    const now = this.now();
    const silence = now - (this.lastReceivedAt ?? this.since);
    if (silence >= this.timing.dropAfterMs) {
      this.closed("unresponsive");
      return "drop";
    }
    if (silence >= this.timing.probingAfterMs && this.state === "healthy") this.moveTo("probing");
    const sinceLastPing = this.lastPingAt === undefined ? Number.POSITIVE_INFINITY : now - this.lastPingAt;
    if (silence >= this.timing.pingAfterMs && sinceLastPing >= this.timing.pingAfterMs) {
      this.lastPingAt = now;
      return "ping";
    }
    return "none";
  }

  private moveTo(state: SessionHealthState): void {
    if (state === this.state) return;
    const previousState = this.state;
    this.state = state;
    this.since = this.now();
    this.options.onChange?.({ health: this.snapshot(), previousState });
  }
}

/** Maps Baileys' DisconnectReason status codes (Types/index.js of Baileys v7) to our reasons. */
export function disconnectReasonOf(code: number | undefined): DisconnectReason {
  switch (code) {
    case 401:
      return "logged_out";
    case 440:
      return "replaced";
    case 405:
    case 411:
      return "outdated_client";
    case 515:
      return "restart_required";
    case 500:
      return "bad_session";
    case 403:
      return "forbidden";
    default:
      return "network";
  }
}

/** Runs check() on an interval and hands its decision to the transport; returns the stop function. */
export function watchHealth(
  tracker: HealthTracker,
  act: { ping: () => void; drop: () => void },
  intervalMs = 1_000,
): () => void {
  const timer = setInterval(() => {
    const action = tracker.check();
    if (action === "ping") act.ping();
    else if (action === "drop") act.drop();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Every change of state is logged and becomes a `session_health` event. */
export function reportHealth(logs: InstanceLogs, onEvent: (event: WhatsAppEvent) => void) {
  return ({ health, previousState }: HealthChange) => {
    const reason = health.state === "reconnecting" ? health.lastDisconnect?.reason : undefined;
    logs.sessionHealthChanged(health.state, previousState, reason);
    onEvent({ eventType: "session_health", eventData: { ...health, previousState } });
  };
}
