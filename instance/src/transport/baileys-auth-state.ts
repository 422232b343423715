// Baileys' auth state (credentials + signal keys) kept in memory and persisted as one JSON
// snapshot through the control plane; the instance has no database and no disk state.
import {
  type AuthenticationCreds,
  type AuthenticationState,
  BufferJSON,
  initAuthCreds,
  proto,
  type SignalDataSet,
  type SignalDataTypeMap,
} from "@whiskeysockets/baileys";
import type { SessionStateStore } from "./port.js";

type KeyBuckets = { [T in keyof SignalDataTypeMap]?: Record<string, SignalDataTypeMap[T]> };

interface Snapshot {
  creds: AuthenticationCreds;
  keys: KeyBuckets;
}

export class RemoteAuthState {
  private creds: AuthenticationCreds;
  private keys: KeyBuckets;

  private constructor(
    private readonly store: SessionStateStore,
    snapshot: Snapshot | undefined,
  ) {
    this.creds = snapshot?.creds ?? initAuthCreds();
    this.keys = snapshot?.keys ?? {};
  }

  static async load(store: SessionStateStore): Promise<RemoteAuthState> {
    const json = await store.load();
    let snapshot: Snapshot | null = null;
    try {
      snapshot = json ? (JSON.parse(json, BufferJSON.reviver) as Snapshot | null) : null;
    } catch {
      // Unreadable state cannot be repaired; the device is shown a QR and pairs again.
      snapshot = null;
    }
    return new RemoteAuthState(store, snapshot?.creds ? snapshot : undefined);
  }

  /** A paired device has a signed device identity; a requested pair code alone does not. */
  hasSession(): boolean {
    return Boolean(this.creds.account && this.creds.me?.id);
  }

  meId(): string | undefined {
    return this.creds.me?.id;
  }

  meLid(): string | undefined {
    return this.creds.me?.lid;
  }

  /** The object handed to makeWASocket; Baileys mutates `creds` in place and calls keys.set. */
  authState(): AuthenticationState {
    return {
      creds: this.creds,
      keys: {
        get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
          const bucket = (this.keys[type] ?? {}) as Record<string, SignalDataTypeMap[T]>;
          const found: { [id: string]: SignalDataTypeMap[T] } = {};
          for (const id of ids) {
            let value = bucket[id];
            if (type === "app-state-sync-key" && value) {
              value = proto.Message.AppStateSyncKeyData.fromObject(
                value as object,
              ) as unknown as SignalDataTypeMap[T];
            }
            if (value !== undefined && value !== null) found[id] = value;
          }
          return found;
        },
        set: async (data: SignalDataSet) => {
          for (const type of Object.keys(data) as (keyof SignalDataTypeMap)[]) {
            this.keys[type] ??= {};
            const bucket: Record<string, unknown> = this.keys[type];
            for (const [id, value] of Object.entries(data[type] ?? {})) {
              if (value === null || value === undefined) delete bucket[id];
              else bucket[id] = value;
            }
          }
          this.save();
        },
      },
    };
  }

  /** Coalesced by the store: many key updates in a burst become one write. */
  save(): void {
    this.store.save(() => JSON.stringify({ creds: this.creds, keys: this.keys }, BufferJSON.replacer));
  }

  /** Logout: forget everything, locally and in the control plane; fresh credentials for a new QR. */
  async reset(): Promise<void> {
    this.creds = initAuthCreds();
    this.keys = {};
    await this.store.clear();
  }
}
