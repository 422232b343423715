// Session health: our extension to WSAPI (not in its OpenAPI). How the instance's link to WhatsApp
// is doing, reported in `GET /session/status` as `health` and by the `session_health` event.
import { z } from "zod";

const time = z.iso.datetime({ offset: true });

/**
 * connecting: no connection yet since start; healthy: connected and hearing from WhatsApp;
 * probing: connected but silent, a ping is unanswered; reconnecting: the connection dropped (or
 * was dropped for silence) and is being re-established; logged_out: connected, no device paired.
 */
export const SESSION_HEALTH_STATES = [
  "connecting",
  "healthy",
  "probing",
  "reconnecting",
  "logged_out",
] as const;

/**
 * Why a connection ended. logged_out: the device was unlinked (Baileys 401); replaced: another
 * session took over (440); outdated_client: WhatsApp refused this client version (405, 411);
 * network: the connection was lost or closed (408, 428, 503, or no code); unresponsive: connected but
 * silent past the probe, so we dropped it; restart_required (515); bad_session (500); forbidden (403).
 */
export const DISCONNECT_REASONS = [
  "logged_out",
  "replaced",
  "outdated_client",
  "network",
  "unresponsive",
  "restart_required",
  "bad_session",
  "forbidden",
] as const;

export const SessionHealth = z.object({
  state: z.enum(SESSION_HEALTH_STATES),
  /** When the current state began. */
  since: time,
  /** The last time anything arrived from WhatsApp; absent before the first frame. */
  lastReceivedAt: time.optional(),
  /** Connections lost since the instance started. */
  reconnects: z.number().int().nonnegative(),
  lastDisconnect: z
    .object({
      reason: z.enum(DISCONNECT_REASONS),
      /** The status code WhatsApp (Baileys' DisconnectReason) gave, when there was one. */
      code: z.number().int().optional(),
      at: time,
    })
    .optional(),
});
export type SessionHealth = z.infer<typeof SessionHealth>;
export type SessionHealthState = SessionHealth["state"];
export type DisconnectReason = (typeof DISCONNECT_REASONS)[number];

/** Data of the `session_health` event: the new health and the state it left. */
export const SessionHealthEventData = SessionHealth.extend({ previousState: z.enum(SESSION_HEALTH_STATES) });
