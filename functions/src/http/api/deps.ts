import type { InstanceDeps } from "../../core/instanceService.js";
import type { Instance } from "../../core/instances.js";
import type { ApiKeyVerifier } from "../../core/keyVerifier.js";
import type { LogEvents } from "../../core/logs.js";

/** Signs the short-lived token the gateway presents to one instance. */
export type GatewayTokenSigner = (runtimeId: string) => Promise<string>;

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
}

export type RateLimiter = (accountId: string, requestsPerMinute: number) => Promise<RateLimitResult>;

export interface ApiDeps {
  verifier: ApiKeyVerifier;
  instanceDeps: () => Promise<InstanceDeps>;
  /** Loads an instance for forwarding (briefly cached); undefined when it does not exist. */
  findInstance: (accountId: string, instanceId: string) => Promise<Instance | undefined>;
  /** Drops a cached instance (after a failed forward, so a moved runtime is found again). */
  forgetInstance: (accountId: string, instanceId: string) => void;
  signToken: GatewayTokenSigner;
  rateLimit: RateLimiter;
  /** Sends the request to the instance's private URL; undefined means unreachable. */
  forward: (
    url: string,
    init: { method: string; headers: Record<string, string>; body?: Uint8Array },
  ) => Promise<Response | undefined>;
  logs: LogEvents;
  /** Production refuses plain HTTP and sends HSTS. */
  production: boolean;
}
