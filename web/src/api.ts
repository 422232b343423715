// The dashboard API client: same-origin calls under /v1 (Hosting forwards the __session cookie),
// the CSRF token on every mutation, and problem+json errors turned into ApiProblem.
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly code: string | undefined,
    readonly requestId: string | undefined,
  ) {
    super(detail);
    this.name = "ApiProblem";
  }
}

export interface ApiClient {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  del<T>(path: string, body?: unknown): Promise<T>;
  setCsrfToken(token: string | null): void;
}

interface ProblemBody {
  detail?: string;
  title?: string;
  code?: string;
  requestId?: string;
}

export function createApiClient(onUnauthenticated: () => void): ApiClient {
  let csrfToken: string | null = null;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json, application/problem+json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        credentials: "same-origin",
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiProblem(
        0,
        "The dashboard API could not be reached. Check your connection.",
        "NETWORK",
        undefined,
      );
    }
    const text = await response.text();
    const parsed: unknown = text ? safeJson(text) : undefined;
    if (!response.ok) {
      const problem = (parsed ?? {}) as ProblemBody;
      // A session that ended elsewhere (sign-out, revocation, expiry) sends the app to sign-in.
      if (response.status === 401 && path !== "/v1/session") onUnauthenticated();
      throw new ApiProblem(
        response.status,
        problem.detail ?? problem.title ?? `Request failed (HTTP ${response.status}).`,
        problem.code,
        problem.requestId,
      );
    }
    return parsed as T;
  }

  return {
    get: (path) => call("GET", path),
    post: (path, body) => call("POST", path, body),
    put: (path, body) => call("PUT", path, body),
    del: (path, body) => call("DELETE", path, body),
    setCsrfToken: (token) => {
      csrfToken = token;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function describeError(error: unknown): string {
  if (error instanceof ApiProblem) {
    return error.requestId ? `${error.message} (request ${error.requestId})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
