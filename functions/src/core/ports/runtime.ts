// The instance runtime port: where one WhatsApp instance service runs. Two adapters:
// a local child process per instance, and one Cloud Run service per instance in production.

/** A project + region that holds instance services; a cell holds about 1,000 services. */
export interface Cell {
  id: string;
  projectId: string;
  region: string;
  capacity: number;
}

export interface InstanceRuntimeSpec {
  instanceId: string;
  accountId: string;
  /** Where the instance lives; local runtimes ignore it. */
  cell?: Cell;
  /** Non-secret environment (instance id, control-plane URL, gateway public JWK, transport). */
  env: Record<string, string>;
  /** The instance's own runtime secret (HS256 key for its tokens to the control plane). */
  instanceSecret: string;
}

export type RuntimeState = "starting" | "running" | "crashed" | "stopped" | "missing";

export interface RuntimeStatus {
  state: RuntimeState;
  /** Private base URL the gateway forwards to, when known. */
  url?: string;
  detail?: string;
  /**
   * Set by ensure() when it stopped waiting before the runtime's rollout finished. Calling ensure()
   * again with the same spec resumes waiting on that rollout; it starts nothing new.
   */
  rolloutPending?: boolean;
}

export interface InstanceRuntime {
  /** Creates or updates the runtime to match the spec; idempotent. */
  ensure(spec: InstanceRuntimeSpec): Promise<RuntimeStatus>;
  restart(instanceId: string, cell?: Cell): Promise<void>;
  /** Removes the runtime and everything it owns; removing a missing runtime succeeds. */
  remove(instanceId: string, cell?: Cell): Promise<void>;
  status(instanceId: string, cell?: Cell): Promise<RuntimeStatus>;
  /** Instance ids this runtime currently holds, for the reconciler. */
  list(cell?: Cell): Promise<string[]>;
}
