import { apiError, codeOfStatus, INVALID_ARGUMENT } from "./apiErrors.js";

// Each instance runs as its own service account in its cell project, created here through the IAM
// REST API (v1 projects.serviceAccounts) and granted no project roles: the only thing it may read
// is its own runtime secret. The Cloud Run and Secret Manager client libraries have no IAM admin
// client, so this is plain HTTPS with an OAuth access token.

const IAM_BASE_URL = "https://iam.googleapis.com";

/** An OAuth access token for cloud-platform, e.g. google-auth-library's GoogleAuth. */
interface AccessTokenSource {
  getAccessToken(): Promise<string | null | undefined>;
}

export interface ServiceAccountDetails {
  /** At most 100 characters. */
  displayName: string;
  /** At most 256 characters. */
  description: string;
}

export interface InstanceAccounts {
  /** Creates projects/{project}/serviceAccounts/{accountId}; an existing one is left as it is. */
  ensure(project: string, accountId: string, details: ServiceAccountDetails): Promise<void>;
  /** Deletes the account by email; a missing one is fine. */
  remove(project: string, email: string): Promise<void>;
}

interface IamOptions {
  auth: AccessTokenSource;
  /** The IAM API root; tests point it at a local fake speaking the same REST contract. */
  baseUrl?: string;
  requestTimeoutMs?: number;
}

interface RestError {
  error?: { code?: number; message?: string; status?: string };
}

async function restError(response: Response): Promise<{ code: number | undefined; message: string }> {
  const text = await response.text();
  let body: RestError = {};
  try {
    body = JSON.parse(text) as RestError;
  } catch {
    // Not JSON (a proxy's HTML page): the HTTP status says enough.
  }
  return {
    code: codeOfStatus(body.error?.status),
    message: body.error?.message ?? `HTTP ${response.status}`,
  };
}

export function iamServiceAccounts(options: IamOptions): InstanceAccounts {
  const baseUrl = (options.baseUrl ?? IAM_BASE_URL).replace(/\/+$/, "");
  const timeoutMs = options.requestTimeoutMs ?? 30_000;

  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    const token = await options.auth.getAccessToken();
    if (!token) throw new Error("no access token for the IAM API");
    return fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  }

  return {
    async ensure(project, accountId, details) {
      const action = `create service account ${accountId}@${project}`;
      let response: Response;
      try {
        response = await call("POST", `/v1/projects/${encodeURIComponent(project)}/serviceAccounts`, {
          accountId,
          serviceAccount: {
            displayName: details.displayName.slice(0, 100),
            description: details.description.slice(0, 256),
          },
        });
      } catch (error) {
        throw apiError(action, error);
      }
      // 409 ALREADY_EXISTS: made by an earlier attempt, which is what ensure wants.
      if (response.ok || response.status === 409) return void (await response.body?.cancel());
      throw apiError(action, await restError(response));
    },

    async remove(project, email) {
      const action = `delete service account ${email}`;
      let response: Response;
      try {
        const name = `projects/${encodeURIComponent(project)}/serviceAccounts/${encodeURIComponent(email)}`;
        response = await call("DELETE", `/v1/${name}`);
      } catch (error) {
        throw apiError(action, error);
      }
      if (response.ok || response.status === 404) return void (await response.body?.cancel());
      throw apiError(action, await restError(response));
    },
  };
}

/**
 * IAM is eventually consistent: for a few seconds after its creation other services may refuse a
 * new account in a policy ("Service account … does not exist", INVALID_ARGUMENT).
 */
function accountNotYetVisible(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === INVALID_ARGUMENT && typeof message === "string" && /does not exist/i.test(message);
}

/** Delays between attempts while a new account propagates: about half a minute in all. */
export const PROPAGATION_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 15_000];

export async function whileAccountPropagates<T>(
  attempt: () => Promise<T>,
  delaysMs: readonly number[] = PROPAGATION_DELAYS_MS,
): Promise<T> {
  for (const delay of delaysMs) {
    try {
      return await attempt();
    } catch (error) {
      if (!accountNotYetVisible(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  return attempt();
}
