import { type DocumentSnapshot, FieldValue, type Firestore } from "firebase-admin/firestore";
import { decryptText, encrypt } from "../../core/aead.js";
import { ACCOUNT_SECRETS, INSTANCE_SECRETS } from "../../core/instanceService.js";
import type { Instance } from "../../core/instances.js";
import type { KeyRing } from "../../core/ports/keyRing.js";
import type { SigningSecretState, SigningSecretStore } from "../../core/ports/webhooks.js";

// Signing secrets live beside the instance's other secrets (instanceSecrets/{runtimeId}), only as
// AES-GCM envelopes bound to their document and field. The previous secret of a rotation is one
// envelope of {secret, until}, so its expiry cannot be changed without the key.
const SIGNING_FIELD = "eventSigningSecret";
const PREVIOUS_FIELD = "previousEventSigningSecret";
const AUTH_VALUE_FIELD = "webhookAuthValue";
const ACCOUNT_DEFAULT_FIELD = "defaultSigningSecret";

export function firestoreSigningSecretStore(db: Firestore, keyRing: KeyRing): SigningSecretStore {
  const instanceSecrets = db.collection(INSTANCE_SECRETS);
  const accountSecrets = db.collection(ACCOUNT_SECRETS);
  const instanceContext = (runtimeId: string, field: string) => ({
    collection: INSTANCE_SECRETS,
    docId: runtimeId,
    field,
  });

  async function field(
    snapshot: DocumentSnapshot,
    context: { collection: string; docId: string; field: string },
  ) {
    const envelope = snapshot.get(context.field);
    return typeof envelope === "string" ? decryptText(keyRing, envelope, context) : undefined;
  }

  async function stateOf(instance: Instance, own: DocumentSnapshot, account: DocumentSnapshot) {
    const { runtimeId, accountId } = instance;
    const previous = await field(own, instanceContext(runtimeId, PREVIOUS_FIELD));
    const state: SigningSecretState = {
      instanceSecret: await field(own, instanceContext(runtimeId, SIGNING_FIELD)),
      previous: previous ? (JSON.parse(previous) as { secret: string; until: number }) : undefined,
      accountDefault: await field(account, {
        collection: ACCOUNT_SECRETS,
        docId: accountId,
        field: ACCOUNT_DEFAULT_FIELD,
      }),
      authValue: await field(own, instanceContext(runtimeId, AUTH_VALUE_FIELD)),
    };
    return state;
  }

  return {
    async read(instance) {
      const [own, account] = await Promise.all([
        instanceSecrets.doc(instance.runtimeId).get(),
        accountSecrets.doc(instance.accountId).get(),
      ]);
      return stateOf(instance, own, account);
    },

    async setIfAbsent(instance, generated) {
      const doc = instanceSecrets.doc(instance.runtimeId);
      const context = instanceContext(instance.runtimeId, SIGNING_FIELD);
      // In a transaction, so concurrent first deliveries agree on one generated secret.
      return db.runTransaction(async (tx) => {
        const existing = await field(await tx.get(doc), context);
        if (existing) return existing;
        tx.update(doc, { [SIGNING_FIELD]: await encrypt(keyRing, generated, context) });
        return generated;
      });
    },

    async rotate(instance, next, until, previous) {
      const doc = instanceSecrets.doc(instance.runtimeId);
      await db.runTransaction(async (tx) => {
        const [own, account] = await Promise.all([
          tx.get(doc),
          tx.get(accountSecrets.doc(instance.accountId)),
        ]);
        const replaced = previous(await stateOf(instance, own, account));
        const previousContext = instanceContext(instance.runtimeId, PREVIOUS_FIELD);
        tx.update(doc, {
          [SIGNING_FIELD]: await encrypt(keyRing, next, instanceContext(instance.runtimeId, SIGNING_FIELD)),
          [PREVIOUS_FIELD]: replaced
            ? await encrypt(keyRing, JSON.stringify({ secret: replaced, until }), previousContext)
            : FieldValue.delete(),
        });
      });
    },
  };
}
