import { ERROR_STATUS } from "@wsapi/contracts/problems";
import { INSTANCE_ROUTES, type InstanceRoute } from "@wsapi/contracts/routes";
import { z } from "zod";
import { ACCOUNT_ROUTES, type AccountRoute } from "./accountRoutes.js";

// OpenAPI 3.1 generated from the route tables (the instance API's and the account API's,
// http/api/accountRoutes.ts) and the zod schemas the gateway validates with, so the document cannot
// drift from the code. Our extension operations are marked `x-wsapi-extension`.
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

// What the key checks may answer on every account operation.
const ACCOUNT_ERRORS = [401, 403, 429];
// What the gateway itself may answer on every instance operation (and on one with a body: 413, 415).
const PLATFORM_ERRORS = [400, 401, 403, 404, 429, 503];
const BODY_ERRORS = [413, 415];

function queryParameters(query: z.ZodObject) {
  return Object.entries(query.shape).map(([name, schema]) => ({
    name,
    in: "query",
    required: !(schema as z.ZodType).safeParse(undefined).success,
    schema: jsonSchema(schema as z.ZodType),
  }));
}

function responseContent(response: InstanceRoute["response"]) {
  if (!response) return {};
  const content =
    "binary" in response
      ? { [response.binary]: { schema: { type: "string", format: "binary" } } }
      : { "application/json": { schema: jsonSchema(response, "output") } };
  return { content };
}

function operation(
  path: string,
  options: {
    operationId: string;
    body?: z.ZodType;
    tag: string;
    instance: boolean;
    success: number;
    errors: number[];
    response?: InstanceRoute["response"];
    query?: z.ZodObject;
  },
): Operation {
  const responses: Record<string, unknown> = {
    [options.success]: { description: "Success", ...responseContent(options.response) },
  };
  for (const status of [...new Set(options.errors)].sort((a, b) => a - b)) responses[status] = problem;
  return {
    operationId: options.operationId,
    tags: [options.tag],
    security: [{ ApiKey: [] }],
    parameters: [
      ...pathParameters(path),
      ...(options.query ? queryParameters(options.query) : []),
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
  const op = operation(route.path, {
    operationId: route.operationId,
    ...(route.request ? { body: route.request } : {}),
    tag: route.path.split("/")[1] ?? "instance",
    instance: true,
    success: route.success,
    errors: [...route.errors, ...PLATFORM_ERRORS, ...(route.request ? BODY_ERRORS : [])],
    response: route.response,
    ...(route.query ? { query: route.query } : {}),
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
    const stream = route.state === "gateway";
    return {
      ...withKey,
      "x-wsapi-extension": true,
      description: stream
        ? "Our extension: the instance's events as Server-Sent Events (id = eventId, event = eventType, " +
          "data = the webhook envelope). Send Last-Event-ID to replay what came after that event, then live."
        : "Our extension to WSAPI (paced sending; see the README).",
      ...(stream
        ? {
            parameters: [
              ...(withKey.parameters as unknown[]),
              { name: "Last-Event-ID", in: "header", required: false, schema: { type: "string" } },
            ],
          }
        : {}),
    };
  }
  return withKey;
}

function accountOperation(route: AccountRoute & { operationId: string }): Operation {
  const op = operation(route.path, {
    operationId: route.operationId,
    tag: "account",
    instance: false,
    success: route.success,
    errors: [...route.errors, ...ACCOUNT_ERRORS, ...(route.request ? BODY_ERRORS : [])],
    ...(route.request ? { body: route.request } : {}),
    ...(route.response ? { response: route.response } : {}),
    ...(route.query ? { query: route.query } : {}),
  });
  if (!route.extension) return op;
  return { ...op, "x-wsapi-extension": true, description: "Our extension to WSAPI (see the README)." };
}

export function buildOpenApi(serverUrl: string) {
  const paths: Record<string, Record<string, Operation>> = {};
  const add = (method: string, path: string, op: Operation) => {
    const key = toOpenApiPath(path);
    paths[key] = { ...paths[key], [method]: op };
  };
  for (const route of ACCOUNT_ROUTES) add(route.method.toLowerCase(), route.path, accountOperation(route));
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
                "is verified. NOT_IMPLEMENTED (501): an operation the instance's WhatsApp client cannot perform.",
            },
            requestId: { type: "string" },
          },
        },
      },
    },
  };
}
