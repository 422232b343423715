import { addLogContext } from "@wsapi/contracts/log-context";
import { EVENTS_AUDIENCE, INSTANCE_TOKEN_ALG, instanceIssuer } from "@wsapi/contracts/tokens";
import type { MiddlewareHandler } from "hono";
import { decodeJwt, jwtVerify } from "jose";
import { ApiError } from "../../core/errors.js";
import type { Instance } from "../../core/instances.js";

declare module "hono" {
  interface ContextVariableMap {
    instance: Instance;
  }
}

export interface InstanceAuthDeps {
  /** The instance and its decrypted runtime secret, by runtime id (cached by the caller). */
  runtimeCredentials: (runtimeId: string) => Promise<{ instance: Instance; secret: Uint8Array } | undefined>;
}

const RUNTIME_ISSUER = /^wsapi-instance:([A-Za-z0-9_-]{1,64})$/;

/** Authenticates an instance by a token signed with its own runtime secret (HS256 only). */
export function requireInstanceToken(deps: InstanceAuthDeps): MiddlewareHandler {
  return async (c, next) => {
    const refused = new ApiError("UNAUTHENTICATED", "A valid instance token is required.");
    const token = /^Bearer ([A-Za-z0-9._-]+)$/.exec(c.req.header("authorization") ?? "")?.[1];
    if (!token) throw refused;
    let issuer: string | undefined;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw refused;
    }
    const runtimeId = RUNTIME_ISSUER.exec(issuer ?? "")?.[1];
    const credentials = runtimeId ? await deps.runtimeCredentials(runtimeId) : undefined;
    if (!runtimeId || !credentials) throw refused;
    try {
      await jwtVerify(token, credentials.secret, {
        algorithms: [INSTANCE_TOKEN_ALG],
        issuer: instanceIssuer(runtimeId),
        audience: EVENTS_AUDIENCE,
        subject: runtimeId,
        maxTokenAge: "5m",
      });
    } catch {
      throw refused;
    }
    c.set("instance", credentials.instance);
    addLogContext({ accountId: credentials.instance.accountId, instanceId: credentials.instance.instanceId });
    await next();
  };
}
