import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  SignJWT,
} from "jose";
import { deployment, type Identity, serviceAccountEmail } from "../../functions/src/deployment.js";

// A stand-in for the GCE/Cloud Run metadata server, for the local stack: the functions reach it
// through GCE_METADATA_HOST (gcp-metadata and google-auth-library honour it) and get Google-shaped
// RS256 ID tokens for the service they call. The supervisor's front doors check those tokens against
// this server's keys, as Cloud Run's IAM check does against Google's. Loopback only.
//
//   GET /computeMetadata/v1/instance/service-accounts/{default|email}/identity?audience=…&format=full
//   GET /computeMetadata/v1/instance/service-accounts/{default|email}/{email,token,scopes,aliases}
//   GET /computeMetadata/v1/{instance,instance/service-accounts,project/project-id,project/numeric-project-id}
//   GET /oauth2/v3/certs   the public keys (Google publishes its own at www.googleapis.com/oauth2/v3/certs)
// Every /computeMetadata request needs `Metadata-Flavor: Google` (403 otherwise) and is refused when
// it carries X-Forwarded-For, as the real server does.
export const GOOGLE_ISSUER = "https://accounts.google.com";
const ID_TOKEN_LIFETIME_SECONDS = 3600;
const ACCESS_TOKEN_LIFETIME_SECONDS = 3599;

/**
 * The identity every local function runs as. The Functions emulator gives all functions one
 * environment, so one GCE_METADATA_HOST and one `default` account: the gateway's (an instance
 * invoker, as both forwarding functions, api and dashboard, are in production).
 */
export const LOCAL_FUNCTIONS_IDENTITY: Identity = "gateway";

/** deployment.json's accounts in this project: the local identity answers `default`, all have tokens. */
export function localAccounts(projectId: string) {
  const identities = Object.keys(deployment.serviceAccounts) as Identity[];
  return {
    defaultAccount: serviceAccountEmail(LOCAL_FUNCTIONS_IDENTITY, projectId),
    otherAccounts: identities.map((who) => serviceAccountEmail(who, projectId)),
  };
}

export interface MetadataOptions {
  port: number;
  projectId: string;
  /** The account answering for `default` (every local function runs as it). */
  defaultAccount: string;
  /** Other accounts it serves tokens for (`service-accounts/<email>/…`), so tests can act as them. */
  otherAccounts?: string[];
  now?: () => number;
  /** One line per request (method, path without the query, status), e.g. to .wsapi/logs/metadata.log. */
  log?: (line: string) => void;
}

export interface MetadataServer {
  url: string;
  /** host:port, the value of GCE_METADATA_HOST. */
  host: string;
  jwks: JSONWebKeySet;
  /** Key lookup for jose's jwtVerify (what the supervisor's front doors verify with). */
  keys: JWTVerifyGetKey;
  stop(): Promise<void>;
}

/** A stable 21-digit id per account, shaped like a service account's unique id (sub, azp). */
export function uniqueIdOf(email: string): string {
  const digest = createHash("sha256").update(email).digest();
  return `1${(digest.readBigUInt64BE(0) % 10n ** 20n).toString().padStart(20, "0")}`;
}

export async function startMetadataServer(options: MetadataOptions): Promise<MetadataServer> {
  const now = options.now ?? Date.now;
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const kid = randomBytes(20).toString("hex");
  const jwks: JSONWebKeySet = {
    keys: [{ ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" }],
  };
  const accounts = new Set([options.defaultAccount, ...(options.otherAccounts ?? [])]);
  const numericProjectId = uniqueIdOf(options.projectId).slice(0, 12);

  const idToken = (email: string, audience: string) => {
    const issuedAt = Math.floor(now() / 1000);
    const id = uniqueIdOf(email);
    return new SignJWT({ azp: id, email, email_verified: true })
      .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
      .setIssuer(GOOGLE_ISSUER)
      .setAudience(audience)
      .setSubject(id)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ID_TOKEN_LIFETIME_SECONDS)
      .sign(privateKey);
  };

  async function answer(req: IncomingMessage, res: ServerResponse) {
    const send = (status: number, body: string, type = "application/text") => {
      res.writeHead(status, { "metadata-flavor": "Google", "content-type": type });
      res.end(body);
    };
    const url = new URL(req.url ?? "/", "http://metadata.google.internal");
    if (req.method === "GET" && url.pathname === "/oauth2/v3/certs")
      return send(200, JSON.stringify(jwks), "application/json");
    if (!url.pathname.startsWith("/computeMetadata/v1")) return send(404, "Not Found");
    if (req.headers["metadata-flavor"] !== "Google")
      return send(403, "Missing required header: Metadata-Flavor", "text/html");
    if (req.headers["x-forwarded-for"])
      return send(403, "Request had an X-Forwarded-For header", "text/html");
    if (req.method !== "GET") return send(405, "Method Not Allowed");
    const path = url.pathname.slice("/computeMetadata/v1".length).replace(/\/$/, "");
    if (path === "" || path === "/instance")
      return send(200, "attributes/\nid\nregion\nservice-accounts/\nzone\n");
    if (path === "/project/project-id") return send(200, options.projectId);
    if (path === "/project/numeric-project-id") return send(200, numericProjectId);
    if (path === "/instance/id") return send(200, uniqueIdOf("local-instance"));
    if (path === "/instance/region") return send(200, `projects/${numericProjectId}/regions/local`);
    if (path === "/instance/zone") return send(200, `projects/${numericProjectId}/zones/local`);
    if (path === "/instance/service-accounts")
      return send(200, ["default/", ...[...accounts].map((email) => `${email}/`)].join("\n"));
    const match = /^\/instance\/service-accounts\/([^/]+)(?:\/([a-z]+))?$/.exec(path);
    const email = match?.[1] === "default" ? options.defaultAccount : decodeURIComponent(match?.[1] ?? "");
    if (!match || !accounts.has(email)) return send(404, "Not Found");
    switch (match[2]) {
      case undefined:
        return send(200, "aliases\nemail\nidentity\nscopes\ntoken\n");
      case "email":
        return send(200, email);
      case "aliases":
        return send(200, "default");
      case "scopes":
        return send(200, "https://www.googleapis.com/auth/cloud-platform");
      case "identity": {
        const audience = url.searchParams.get("audience");
        if (!audience) return send(400, "non-empty audience parameter required");
        return send(200, await idToken(email, audience));
      }
      case "token":
        // Never accepted anywhere: the emulators take their own "owner" token.
        return send(
          200,
          JSON.stringify({
            access_token: `local-not-a-token-${randomBytes(12).toString("hex")}`,
            expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
            token_type: "Bearer",
          }),
          "application/json",
        );
      default:
        return send(404, "Not Found");
    }
  }

  const server = createServer((req, res) => {
    if (options.log) {
      const path = (req.url ?? "/").split("?")[0];
      res.once("finish", () =>
        options.log?.(`${new Date(now()).toISOString()} ${req.method} ${path} ${res.statusCode}`),
      );
    }
    answer(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "metadata-flavor": "Google" });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    jwks,
    keys: createLocalJWKSet(jwks),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
