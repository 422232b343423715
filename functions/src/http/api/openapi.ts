import { ERROR_STATUS } from "@wsapi/contracts/problems";
import { INSTANCE_ROUTES, type InstanceRoute } from "@wsapi/contracts/routes";
import { z } from "zod";
import {
  createInstanceRequest,
  instanceDefaultsRequest,
  instanceNameRequest,
  instanceSettingsRequest,
} from "../../core/instances.js";

// OpenAPI 3.1 generated from the route table and the zod schemas the gateway validates with, so the
// document cannot drift from the code. Planned operations are listed, marked `x-wsapi-planned`,
// with the 501 they answer; our extension operations are marked `x-wsapi-extension`.
type Operation = Record<string, unknown>;

const problem = {
  description: "Error (application/problem+json)",
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
};

function jsonSchema(schema: z.ZodType, io: "input" | "output" = "input") {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    unrepresentable: "any",
    io,
  }) as Record<string, unknown>;
  return rest;
}

const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, "{$1}");
const pathParameters = (path: string) =>
  [...path.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string" },
  }));

const ACCOUNT_ERRORS = [400, 401, 403, 404, 429];
// What the gateway itself may answer on every instance operation (and on one with a body: 413, 415).
const PLATFORM_ERRORS = [400, 401, 403, 404, 429, 503];
const BODY_ERRORS = [413, 415];

function responseContent(response: InstanceRoute["response"]) {
  if (!response) return {};
  const content =
    "binary" in response
      ? { [response.binary]: { schema: { type: "string", format: "binary" } } }
      : { "application/json": { schema: jsonSchema(response, "output") } };
  return { content };
}

function operation(
  method: string,
  path: string,
  options: {
    operationId?: string;
    body?: z.ZodType;
    tag: string;
    instance: boolean;
    success: number;
    errors: number[];
    response?: InstanceRoute["response"];
  },
): Operation {
  const responses: Record<string, unknown> = {
    [options.success]: { description: "Success", ...responseContent(options.response) },
  };
  for (const status of [...new Set(options.errors)].sort((a, b) => a - b)) responses[status] = problem;
  return {
    operationId:
      options.operationId ??
      `${method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())}`,
    tags: [options.tag],
    security: [{ ApiKey: [] }],
    parameters: [
      ...pathParameters(path),
      ...(options.instance ? [{ $ref: "#/components/parameters/InstanceId" }] : []),
    ],
    ...(options.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: jsonSchema(options.body) } },
          },
        }
      : {}),
    responses,
  };
}

function instanceOperation(route: InstanceRoute): Operation {
  const method = route.method.toLowerCase();
  const planned = route.state === "planned";
  const op = operation(method, route.path, {
    operationId: route.operationId,
    ...(route.request ? { body: route.request } : {}),
    tag: route.path.split("/")[1] ?? "instance",
    instance: true,
    success: route.success,
    errors: [
      ...route.errors,
      ...PLATFORM_ERRORS,
      ...(route.request ? BODY_ERRORS : []),
      ...(planned ? [501] : []),
    ],
    response: route.response,
  });
  // Calls that change things take an Idempotency-Key (our extension, core/idempotency.ts).
  const withKey: Operation =
    route.method === "GET"
      ? op
      : {
          ...op,
          parameters: [...(op.parameters as unknown[]), { $ref: "#/components/parameters/IdempotencyKey" }],
          responses: { ...(op.responses as Record<string, unknown>), 409: problem, 422: problem },
        };
  if (route.extension) {
    return {
      ...withKey,
      "x-wsapi-extension": true,
      description: "Our extension to WSAPI (paced sending; see the README).",
    };
  }
  if (!planned) return withKey;
  return {
    ...withKey,
    "x-wsapi-planned": true,
    description: "Planned: answers 501 NOT_IMPLEMENTED for now.",
  };
}

const ACCOUNT_ROUTES: Array<[string, string, z.ZodType | undefined, number]> = [
  ["get", "/account/instances", undefined, 200],
  ["post", "/account/instances", createInstanceRequest, 201],
  ["get", "/account/instances/defaults", undefined, 200],
  ["put", "/account/instances/defaults", instanceDefaultsRequest, 204],
  ["get", "/account/instances/:id", undefined, 200],
  ["delete", "/account/instances/:id", undefined, 204],
  ["put", "/account/instances/:id/name", instanceNameRequest, 204],
  ["put", "/account/instances/:id/settings", instanceSettingsRequest, 204],
  ["put", "/account/instances/:id/apikey", undefined, 200],
  ["put", "/account/instances/:id/restart", undefined, 204],
];

export function buildOpenApi(serverUrl: string) {
  const paths: Record<string, Record<string, Operation>> = {};
  const add = (method: string, path: string, op: Operation) => {
    const key = toOpenApiPath(path);
    paths[key] = { ...paths[key], [method]: op };
  };
  for (const [method, path, body, success] of ACCOUNT_ROUTES) {
    const options = { tag: "account", instance: false, success, errors: ACCOUNT_ERRORS };
    add(method, path, operation(method, path, { ...options, ...(body ? { body } : {}) }));
  }
  for (const route of INSTANCE_ROUTES) add(route.method.toLowerCase(), route.path, instanceOperation(route));
  return {
    openapi: "3.1.0",
    info: {
      title: "WSAPI",
      version: "1.0.0",
      description: "WhatsApp REST API. Authenticate with X-Api-Key; instance calls also need X-Instance-Id.",
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      securitySchemes: { ApiKey: { type: "apiKey", in: "header", name: "X-Api-Key" } },
      parameters: {
        InstanceId: { name: "X-Instance-Id", in: "header", required: true, schema: { type: "string" } },
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          required: false,
          description:
            "Our extension: the same key and request within 24 h replays the first answer (Idempotent-Replayed: true); another request with the key answers 422 IDEMPOTENCY_KEY_REUSED; while the first runs, 409 IDEMPOTENCY_KEY_IN_PROGRESS after 30 s.",
          schema: { type: "string", pattern: "^[\\x21-\\x7e]{1,255}$" },
        },
      },
      schemas: {
        Problem: {
          type: "object",
          required: ["status", "detail"],
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
            code: {
              type: "string",
              enum: Object.keys(ERROR_STATUS),
              description:
                "The one error vocabulary (@wsapi/contracts/problems), the instance's errors included. " +
                "EMAIL_NOT_VERIFIED (403): POST /account/instances before the account's email address " +
                "is verified. NOT_IMPLEMENTED (501): a planned operation (x-wsapi-planned).",
            },
            requestId: { type: "string" },
          },
        },
      },
    },
  };
}
