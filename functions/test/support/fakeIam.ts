import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Json, nextSequence, type RecordedRequest } from "./fakeCloudRun.js";

// A local stand-in for the IAM v1 REST API's service-account calls as the Cloud Run runtime makes
// them: POST /v1/projects/{project}/serviceAccounts and DELETE /v1/projects/{project}/serviceAccounts/
// {email}, errors as {error: {code, message, status}}, a bearer token required. IAM is eventually
// consistent: `propagationChecks` makes a new account invisible to other services for that many looks.

type HttpError = Error & { status: number; grpcStatus: string };
const httpError = (status: number, grpcStatus: string, message: string): HttpError =>
  Object.assign(new Error(message), { status, grpcStatus });

interface FakeAccount {
  email: string;
  projectId: string;
  displayName?: string;
  description?: string;
  /** Looks by other services that still miss it. */
  unseen: number;
}

export class FakeIam {
  readonly requests: RecordedRequest[] = [];
  readonly accounts = new Map<string, FakeAccount>();
  readonly token = "fake-access-token";
  /** How many looks by Secret Manager or Cloud Run miss an account after its creation. */
  propagationChecks = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeIam> {
    let fake: FakeIam | undefined;
    const server = createServer((request, response) => void fake?.handle(request, response));
    fake = new FakeIam(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  reset(): void {
    this.requests.length = 0;
    this.accounts.clear();
    this.propagationChecks = 0;
  }

  /** An account that exists already and is visible everywhere (e.g. the control plane's own). */
  seed(email: string): void {
    const projectId = /@([^.]+)\.iam\.gserviceaccount\.com$/.exec(email)?.[1] ?? "unknown";
    this.accounts.set(email, { email, projectId, unseen: 0 });
  }

  /** What another service sees when a policy or a service names the account. */
  visible(email: string): boolean {
    const account = this.accounts.get(email);
    if (!account) return false;
    if (account.unseen === 0) return true;
    account.unseen -= 1;
    return false;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(request.url ?? "/", "http://fake");
    const recorded: RecordedRequest = {
      method: request.method ?? "GET",
      path: decodeURIComponent(url.pathname),
      query: Object.fromEntries(url.searchParams),
      body: raw ? (JSON.parse(raw) as Json) : undefined,
      raw,
      headers: request.headers,
      at: nextSequence(),
    };
    this.requests.push(recorded);
    response.setHeader("content-type", "application/json");
    try {
      if (request.headers.authorization !== `Bearer ${this.token}`) {
        throw httpError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
      }
      response.end(JSON.stringify(this.route(recorded)));
    } catch (error) {
      const { status, grpcStatus, message } =
        error instanceof Error && "grpcStatus" in error
          ? (error as HttpError)
          : httpError(500, "INTERNAL", String(error));
      response.statusCode = status;
      response.end(JSON.stringify({ error: { code: status, message, status: grpcStatus } }));
    }
  }

  private route({ method, path, body = {} }: RecordedRequest): Json {
    const collection = /^\/v1\/projects\/([^/]+)\/serviceAccounts$/.exec(path);
    if (collection && method === "POST") return this.create(collection[1]!, body);
    const one = /^\/v1\/projects\/([^/]+)\/serviceAccounts\/([^/]+)$/.exec(path);
    if (one && method === "DELETE") return this.remove(one[1]!, one[2]!);
    throw httpError(501, "UNIMPLEMENTED", `fake has no route for ${method} ${path}`);
  }

  private create(projectId: string, body: Json): Json {
    const accountId = String(body.accountId ?? "");
    if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(accountId)) {
      throw httpError(400, "INVALID_ARGUMENT", `Invalid account id ${accountId}.`);
    }
    const email = `${accountId}@${projectId}.iam.gserviceaccount.com`;
    if (this.accounts.has(email)) {
      throw httpError(
        409,
        "ALREADY_EXISTS",
        `Service account ${accountId} already exists within project projects/${projectId}.`,
      );
    }
    const details = (body.serviceAccount ?? {}) as { displayName?: string; description?: string };
    const account: FakeAccount = { email, projectId, ...details, unseen: this.propagationChecks };
    this.accounts.set(email, account);
    return {
      name: `projects/${projectId}/serviceAccounts/${email}`,
      projectId,
      uniqueId: "100000000000000000001",
      email,
      displayName: details.displayName,
      description: details.description,
    };
  }

  private remove(projectId: string, email: string): Json {
    const account = this.accounts.get(email);
    if (!account || account.projectId !== projectId) {
      throw httpError(
        404,
        "NOT_FOUND",
        `Service account projects/${projectId}/serviceAccounts/${email} not found.`,
      );
    }
    this.accounts.delete(email);
    return {};
  }
}
