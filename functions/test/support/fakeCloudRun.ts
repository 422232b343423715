import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeIam } from "./fakeIam.js";

// A local stand-in for the Cloud Run Admin v2 and Secret Manager v1 REST APIs, as the Google
// client libraries call them with `fallback: true`: JSON bodies, numeric enums, operations polled
// at GET /v2/{operation}. State lives in memory and every request is recorded. Linked to a FakeIam,
// it refuses policies and services naming an account IAM does not (yet) show, as Google's do.

export type Json = Record<string, unknown>;

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Json | undefined;
  raw: string;
  headers: Record<string, string | string[] | undefined>;
  /** Order across every fake server of the test process. */
  at: number;
}

let sequence = 0;
export const nextSequence = () => ++sequence;

export interface InjectedFailure {
  method?: string;
  path: RegExp;
  status: number;
  grpcStatus: string;
  message: string | ((request: RecordedRequest) => string);
}

type OperationError = { code: number; message: string };
type FakeOperation = {
  /** Done no earlier than this (Date.now()); a slow one settles on its own, polled or not. */
  settleAt: number;
  done?: boolean;
  /** A slow delete keeps the service, reconciling, until it settles. */
  deletes?: boolean;
  pollsLeft: number;
  polls: number;
  service: Json;
  serviceName: string;
  error?: OperationError;
};
type FakeSecret = { labels: unknown; replication: unknown; versions: Buffer[]; policy?: unknown };
type HttpError = Error & { status: number; grpcStatus: string };

const httpError = (status: number, grpcStatus: string, message: string): HttpError =>
  Object.assign(new Error(message), { status, grpcStatus });
const SERVICE_TYPE = "type.googleapis.com/google.cloud.run.v2.Service";
const LOCATION = "projects/[^/]+/locations/[^/]+";

// Proto3 leaves default values out, so a template echoed with explicit defaults is the same template.
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? value.map(canonical) : undefined;
  if (value && typeof value === "object") {
    const entries = Object.entries(value)
      .map(([key, item]) => [key, canonical(item)] as const)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  return value === "" || value === 0 || value === false || value === null ? undefined : value;
}

export class FakeCloudRun {
  readonly requests: RecordedRequest[] = [];
  /** When set, policies and service templates may only name accounts it shows. */
  iam: FakeIam | undefined;
  /** How long a rollout takes, whoever polls it: 0 leaves progress to operation polls alone. */
  operationMs = 0;
  readonly services = new Map<string, Json>();
  readonly servicePolicies = new Map<string, unknown>();
  readonly secrets = new Map<string, FakeSecret>();
  /** Revisions rolled per service: a new one whenever the template changes. */
  readonly revisions = new Map<string, number>();
  /** GETs of an operation that answer "not done" before the one that answers "done". */
  operationPolls = 0;
  /** The server's own page size, small so that callers must follow page tokens. */
  pageSize = 2;
  private readonly operations = new Map<string, FakeOperation>();
  private readonly failures: InjectedFailure[] = [];
  private nextOperationError: OperationError | undefined;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeCloudRun> {
    let fake: FakeCloudRun | undefined;
    const server = createServer((request, response) => void fake?.handle(request, response));
    fake = new FakeCloudRun(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The next matching request fails with this HTTP status and google.rpc status. */
  failNext(failure: InjectedFailure): void {
    this.failures.push(failure);
  }

  /** The next long-running operation finishes with this error instead of its result. */
  failNextOperation(error: OperationError): void {
    this.nextOperationError = error;
  }

  operationGets(): number {
    return [...this.operations.values()].reduce((total, operation) => total + operation.polls, 0);
  }

  /** Forgets state, recordings and injected failures, so one server serves many tests. */
  reset(): void {
    for (const map of [this.services, this.servicePolicies, this.secrets, this.revisions, this.operations]) {
      map.clear();
    }
    this.requests.length = 0;
    this.failures.length = 0;
    this.operationPolls = 0;
    this.operationMs = 0;
    this.pageSize = 2;
    this.nextOperationError = undefined;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(request.url ?? "/", "http://fake");
    const recorded: RecordedRequest = {
      method: request.method ?? "GET",
      path: decodeURIComponent(url.pathname),
      query: Object.fromEntries([...url.searchParams].filter(([key]) => !key.startsWith("$"))),
      body: raw ? (JSON.parse(raw) as Json) : undefined,
      raw,
      headers: request.headers,
      at: nextSequence(),
    };
    this.requests.push(recorded);
    response.setHeader("content-type", "application/json");
    try {
      const failure = this.takeFailure(recorded);
      if (failure) {
        const message = typeof failure.message === "string" ? failure.message : failure.message(recorded);
        throw httpError(failure.status, failure.grpcStatus, message);
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

  private takeFailure(request: RecordedRequest): InjectedFailure | undefined {
    const index = this.failures.findIndex(
      (failure) => (!failure.method || failure.method === request.method) && failure.path.test(request.path),
    );
    return index < 0 ? undefined : this.failures.splice(index, 1)[0];
  }

  private route(request: RecordedRequest): Json {
    const { method, path, query, body = {} } = request;
    const services = new RegExp(`^/v2/(${LOCATION})/services$`).exec(path);
    if (services && method === "POST")
      return this.createService(`${services[1]}/services/${query.serviceId}`, body);
    if (services && method === "GET") return this.listServices(`${services[1]}/services/`, query);
    const service = new RegExp(`^/v2/(${LOCATION}/services/[^/:]+)(:setIamPolicy)?$`).exec(path);
    if (service?.[2] && method === "POST") return this.setServicePolicy(service[1]!, body);
    if (service && !service[2] && method === "GET") return this.existingService(service[1]!);
    if (service && !service[2] && method === "PATCH") return this.updateService(service[1]!, body);
    if (service && !service[2] && method === "DELETE") return this.deleteService(service[1]!);
    const operation = new RegExp(`^/v2/(${LOCATION}/operations/[^/]+)$`).exec(path);
    if (operation && method === "GET") return this.pollOperation(operation[1]!);
    const secrets = /^\/v1\/projects\/([^/]+)\/secrets$/.exec(path);
    if (secrets && method === "POST")
      return this.createSecret(`projects/${secrets[1]}/secrets/${query.secretId}`, body);
    const secret = /^\/v1\/(projects\/[^/]+\/secrets\/[^/:]+)(:\w+|\/versions\/latest:access)?$/.exec(path);
    if (secret) return this.secretCall(`${method} ${secret[2] ?? ""}`, secret[1]!, body);
    // Never 404 here: the adapter reads NOT_FOUND as "already gone", which would hide a bad route.
    throw httpError(501, "UNIMPLEMENTED", `fake has no route for ${method} ${path}`);
  }

  private secretCall(call: string, name: string, body: Json): Json {
    const secret = this.secrets.get(name);
    if (!secret) throw httpError(404, "NOT_FOUND", `Secret [${name}] not found.`);
    if (call === "GET /versions/latest:access") {
      const latest = secret.versions.at(-1);
      if (!latest) throw httpError(404, "NOT_FOUND", `Secret [${name}] has no versions.`);
      return {
        name: `${name}/versions/${secret.versions.length}`,
        payload: { data: latest.toString("base64") },
      };
    }
    if (call === "POST :addVersion") {
      const payload = body.payload as { data?: string } | undefined;
      secret.versions.push(Buffer.from(payload?.data ?? "", "base64"));
      return { name: `${name}/versions/${secret.versions.length}`, state: "ENABLED" };
    }
    if (call === "POST :setIamPolicy") {
      this.checkAccounts(policyAccounts(body.policy));
      secret.policy = body.policy;
      return { ...(body.policy as Json), etag: "BwYfake=" };
    }
    if (call === "DELETE ") {
      this.secrets.delete(name);
      return {};
    }
    throw httpError(501, "UNIMPLEMENTED", `fake has no route for ${call} on ${name}`);
  }

  /** Secret Manager and Cloud Run answer 400 for an account IAM does not show them yet. */
  private checkAccounts(emails: string[]): void {
    for (const email of emails) {
      if (this.iam && !this.iam.visible(email))
        throw httpError(400, "INVALID_ARGUMENT", `Service account ${email} does not exist.`);
    }
  }

  private existingService(name: string): Json {
    this.settleDue(name);
    const service = this.services.get(name);
    if (!service) throw httpError(404, "NOT_FOUND", `Resource '${name.split("/").pop()}' does not exist.`);
    return service;
  }

  private createService(name: string, body: Json): Json {
    if (this.services.has(name)) throw httpError(409, "ALREADY_EXISTS", `Resource '${name}' already exists.`);
    this.checkAccounts(templateAccounts(body));
    const id = name.split("/").pop();
    const uri = `https://${id}-fake.a.run.app`;
    this.services.set(name, { ...body, name, uri });
    return this.startOperation(name);
  }

  private updateService(name: string, body: Json): Json {
    const existing = this.existingService(name);
    this.checkAccounts(templateAccounts(body));
    this.services.set(name, { ...body, name, uri: existing.uri });
    const changed = JSON.stringify(canonical(existing.template)) !== JSON.stringify(canonical(body.template));
    if (changed) this.rollRevision(name);
    return this.startOperation(name);
  }

  private deleteService(name: string): Json {
    const existing = this.existingService(name);
    if (this.operationMs > 0) {
      Object.assign(existing, { reconciling: true });
      const operation = this.startOperation(name, existing);
      this.operations.get(operation.name as string)!.deletes = true;
      return operation;
    }
    this.services.delete(name);
    this.servicePolicies.delete(name);
    this.revisions.delete(name);
    return this.startOperation(name, existing);
  }

  private setServicePolicy(name: string, body: Json): Json {
    this.existingService(name);
    this.checkAccounts(policyAccounts(body.policy));
    this.servicePolicies.set(name, body.policy);
    return { ...(body.policy as Json), etag: "BwYfake=" };
  }

  private listServices(prefix: string, query: Record<string, string>): Json {
    const all = [...this.services.keys()].filter((name) => name.startsWith(prefix)).sort();
    for (const name of all) this.settleDue(name);
    const start = Number(query.pageToken ?? 0);
    const size = Math.min(Number(query.pageSize ?? this.pageSize) || this.pageSize, this.pageSize);
    const page = all.slice(start, start + size).map((name) => this.services.get(name));
    return start + size < all.length
      ? { services: page, nextPageToken: String(start + size) }
      : { services: page };
  }

  private rollRevision(name: string): void {
    this.revisions.set(name, (this.revisions.get(name) ?? 0) + 1);
  }

  private startOperation(serviceName: string, deleted?: Json): Json {
    const service = deleted ?? this.services.get(serviceName)!;
    if (!deleted) {
      if (!this.revisions.has(serviceName)) this.rollRevision(serviceName);
      Object.assign(service, {
        reconciling: true,
        terminalCondition: { type: "Ready", state: "CONDITION_RECONCILING" },
      });
    }
    const name = `${serviceName.split("/services/")[0]}/operations/${randomUUID()}`;
    const error = this.nextOperationError;
    this.nextOperationError = undefined;
    const settleAt = Date.now() + this.operationMs;
    this.operations.set(name, {
      settleAt,
      pollsLeft: this.operationPolls,
      polls: 0,
      service,
      serviceName,
      error,
    });
    return { name, done: false };
  }

  /** Slow rollouts finish in time without anyone polling their operation, as Cloud Run's do. */
  private settleDue(serviceName: string): void {
    for (const operation of this.operations.values()) {
      const due = this.operationMs > 0 && !operation.done && Date.now() >= operation.settleAt;
      if (due && operation.serviceName === serviceName && operation.pollsLeft === 0) this.finish(operation);
    }
  }

  private finish(operation: FakeOperation): void {
    operation.done = true;
    const { service, error } = operation;
    if (operation.deletes) {
      for (const map of [this.services, this.servicePolicies, this.revisions])
        map.delete(operation.serviceName);
      return;
    }
    if (this.services.get(operation.serviceName) === service) {
      const state = error ? "CONDITION_FAILED" : "CONDITION_SUCCEEDED";
      const message = error?.message ?? "";
      Object.assign(service, { reconciling: false, terminalCondition: { type: "Ready", state, message } });
    }
  }

  private pollOperation(name: string): Json {
    const operation = this.operations.get(name);
    if (!operation) throw httpError(404, "NOT_FOUND", `Operation ${name} not found.`);
    operation.polls += 1;
    if (operation.pollsLeft > 0) {
      operation.pollsLeft -= 1;
      return { name, done: false };
    }
    if (Date.now() < operation.settleAt) return { name, done: false };
    if (!operation.done) this.finish(operation);
    const { service, error } = operation;
    return error
      ? { name, done: true, error }
      : { name, done: true, response: { "@type": SERVICE_TYPE, ...service } };
  }

  private createSecret(name: string, body: Json): Json {
    if (this.secrets.has(name)) throw httpError(409, "ALREADY_EXISTS", `Secret [${name}] already exists.`);
    this.secrets.set(name, { labels: body.labels, replication: body.replication, versions: [] });
    return { name, labels: body.labels, replication: body.replication };
  }
}

function policyAccounts(policy: unknown): string[] {
  const bindings = (policy as { bindings?: Array<{ members?: string[] }> } | undefined)?.bindings ?? [];
  return bindings
    .flatMap((binding) => binding.members ?? [])
    .filter((member) => member.startsWith("serviceAccount:"))
    .map((member) => member.slice("serviceAccount:".length));
}

function templateAccounts(service: Json): string[] {
  const account = (service.template as { serviceAccount?: string } | undefined)?.serviceAccount;
  return account ? [account] : [];
}
