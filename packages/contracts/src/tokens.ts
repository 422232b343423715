// Internal token contract shared by the gateway, the events ingest and the instance service.
// Gateway → instance: ES256, 60 s, audience bound to exactly one instance; carries the instance's
// pacing settings in the `pacing` claim when it has any (pacing.ts), and `history_sync: true` when
// the instance's `historySync` setting is on (absent: off).
// Instance → control plane: HS256 with the instance's own runtime secret, audience "wsapi-events".

export const GATEWAY_ISSUER = "wsapi-gateway";
export const GATEWAY_TOKEN_ALG = "ES256";
export const GATEWAY_TOKEN_TTL_SECONDS = 60;
/** Present (true) when the instance's `historySync` setting is on: it then keeps the history sync after pairing. */
export const HISTORY_SYNC_CLAIM = "history_sync";

export const EVENTS_AUDIENCE = "wsapi-events";
export const INSTANCE_TOKEN_ALG = "HS256";
export const INSTANCE_TOKEN_TTL_SECONDS = 60;

export function instanceAudience(instanceId: string): string {
  return `wsapi-instance:${instanceId}`;
}

export function instanceIssuer(instanceId: string): string {
  return `wsapi-instance:${instanceId}`;
}
