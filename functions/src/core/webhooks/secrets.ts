import type { Instance } from "../instances.js";
import type { SigningSecretState, SigningSecretStore } from "../ports/webhooks.js";
import { generateSigningSecret } from "./signing.js";

// Which secret signs an instance's webhooks: its own, else the account default (unless the
// instance opted out of defaults), else one generated once and stored encrypted.
function secretInForce(state: SigningSecretState, instance: Instance): string | undefined {
  if (state.instanceSecret) return state.instanceSecret;
  return instance.settings.useCustomDefaults ? undefined : state.accountDefault;
}

/** Current secret first, then the previous one while its grace period lasts. */
export function activeSecrets(current: string, state: SigningSecretState, now: number): string[] {
  const previous = state.previous;
  return previous && previous.until > now && previous.secret !== current
    ? [current, previous.secret]
    : [current];
}

async function currentSecret(store: SigningSecretStore, instance: Instance) {
  const state = await store.read(instance);
  const current =
    secretInForce(state, instance) ?? (await store.setIfAbsent(instance, generateSigningSecret()));
  return { current, state };
}

export async function signingMaterial(store: SigningSecretStore, instance: Instance, now: number) {
  const { current, state } = await currentSecret(store, instance);
  return { secrets: activeSecrets(current, state, now), authValue: state.authValue };
}

function previousExpiry(state: SigningSecretState, current: string, now: number): string | null {
  return activeSecrets(current, state, now).length > 1 ? new Date(state.previous!.until).toISOString() : null;
}

export async function revealSigningSecret(store: SigningSecretStore, instance: Instance, now: number) {
  const { current, state } = await currentSecret(store, instance);
  return { secret: current, previousSecretExpiresAt: previousExpiry(state, current, now) };
}

/** The new secret signs at once; the one it replaces keeps signing too until the grace period ends. */
export async function rotateSigningSecret(
  store: SigningSecretStore,
  instance: Instance,
  now: number,
  graceMs: number,
) {
  const next = generateSigningSecret();
  await store.rotate(instance, next, now + graceMs, (state) => secretInForce(state, instance));
  return revealSigningSecret(store, instance, now);
}
