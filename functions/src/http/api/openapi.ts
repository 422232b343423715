import { ERROR_STATUS } from "@wsapi/contracts/problems";
import { z } from "zod";
import {
  createInstanceRequest,
  instanceDefaultsRequest,
  instanceNameRequest,
  instanceSettingsRequest,
} from "../../core/instances.js";
import { INSTANCE_PATHS } from "./instancePaths.js";

// OpenAPI 3.1 generated from the same zod schemas the gateway validates with, so the document
// cannot drift from the code.
type Operation = Record<string, unknown>;

const problem = {
  description: "Error (application/problem+json)",
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
};

function jsonSchema(schema: z.ZodType) {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    unrepresentable: "any",
    io: "input",
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

function operation(
  method: string,
  path: string,
  options: { body?: z.ZodType; tag: string; instance: boolean; success: string },
): Operation {
  const responses: Record<string, unknown> = {
    [options.success]: { description: "Success" },
    "400": problem,
    "401": problem,
    "403": problem,
    "404": problem,
    "429": problem,
  };
  if (options.instance) Object.assign(responses, { "409": problem, "503": problem });
  return {
    operationId: `${method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())}`,
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

const ACCOUNT_ROUTES: Array<[string, string, z.ZodType | undefined, string]> = [
  ["get", "/account/instances", undefined, "200"],
  ["post", "/account/instances", createInstanceRequest, "201"],
  ["get", "/account/instances/defaults", undefined, "200"],
  ["put", "/account/instances/defaults", instanceDefaultsRequest, "204"],
  ["get", "/account/instances/:id", undefined, "200"],
  ["delete", "/account/instances/:id", undefined, "204"],
  ["put", "/account/instances/:id/name", instanceNameRequest, "204"],
  ["put", "/account/instances/:id/settings", instanceSettingsRequest, "204"],
  ["put", "/account/instances/:id/apikey", undefined, "200"],
  ["put", "/account/instances/:id/restart", undefined, "204"],
];

export function buildOpenApi(serverUrl: string) {
  const paths: Record<string, Record<string, Operation>> = {};
  const add = (method: string, path: string, op: Operation) => {
    const key = toOpenApiPath(path);
    paths[key] = { ...paths[key], [method]: op };
  };
  for (const [method, path, body, success] of ACCOUNT_ROUTES) {
    add(
      method,
      path,
      operation(method, path, { ...(body ? { body } : {}), tag: "account", instance: false, success }),
    );
  }
  for (const route of INSTANCE_PATHS) {
    const method = route.method.toLowerCase();
    const tag = route.path.split("/")[1] ?? "instance";
    const success =
      method === "post" && route.path.startsWith("/messages/") && !route.path.includes(":") ? "201" : "200";
    add(
      method,
      route.path,
      operation(method, route.path, {
        ...(route.body ? { body: route.body } : {}),
        tag,
        instance: true,
        success,
      }),
    );
  }
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
                "The one error vocabulary (functions/src/core/errors.ts). EMAIL_NOT_VERIFIED (403): " +
                "POST /account/instances before the account's email address is verified.",
            },
            requestId: { type: "string" },
          },
        },
      },
    },
  };
}
