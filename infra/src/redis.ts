import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { InfraConfig } from "./config.ts";
import type { Network } from "./network.ts";

/** The Memorystore instance holding the gateway's and dashboard's shared rate-limit counters. */
export const REDIS_INSTANCE = "wsapi-ratelimits";

/**
 * Memorystore for Redis in the functions' region, on deployment.json's VPC: `api` and `dashboard`
 * reach it through their Direct VPC egress (DIRECT_PEERING: no address range to reserve). AUTH is
 * on; its string lives in the WSAPI_REDIS_AUTH secret (secrets.ts), copied there by the operator, so
 * only the identities running those two functions can read it.
 *
 * In-transit encryption stays off: the instance has only a private address on our VPC, the counters
 * it holds are account ids and HMACs of client addresses (no content, no credentials), and TLS would
 * have to ship Memorystore's rotating server CA to every function instance and verify a certificate
 * that names no host. Google encrypts VPC traffic that leaves its physical boundaries.
 *
 * BASIC tier: counters are ephemeral; during maintenance or a failure the functions fall back to
 * their bounded in-memory limiters (logged as `ratelimit.store_unavailable`). No persistence.
 */
export function buildRedis(config: InfraConfig, network: Pick<Network, "network">) {
  const instance = new gcp.redis.Instance(REDIS_INSTANCE, {
    project: config.project,
    name: REDIS_INSTANCE,
    region: config.deployment.region,
    tier: "BASIC",
    memorySizeGb: 1,
    redisVersion: "REDIS_7_2",
    authorizedNetwork: network.network.id,
    connectMode: "DIRECT_PEERING",
    authEnabled: true,
    transitEncryptionMode: "DISABLED",
    persistenceConfig: { persistenceMode: "DISABLED" },
    // Counters carry their own expiry; evict the nearest-to-expire first if memory ever runs out.
    redisConfigs: { "maxmemory-policy": "volatile-ttl" },
    labels: { app: "wsapi", purpose: "rate-limits" },
  });
  /** WSAPI_REDIS_URL for the functions: host and port only, never the AUTH string. */
  const url = pulumi.interpolate`redis://${instance.host}:${instance.port}`;
  return { instance, url };
}
