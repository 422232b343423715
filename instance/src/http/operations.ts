// Registers the instance API from the route table: one handler per implemented operation, typed by
// the table, so an implemented entry without a handler (or a handler for no entry) fails the type
// check. Each route gets its body cap, the paired-device check when the table asks for it, and its
// JSON body validated with the table's schema before the handler runs.
import { IMPLEMENTED_ROUTES, type ImplementedOperation, type RequestBody } from "@wsapi/contracts/routes";
import type { Context, Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { every } from "hono/combine";
import type { WhatsAppTransport } from "../transport/port.js";
import { requirePaired } from "./errors.js";
import { problemResponse } from "./problem.js";
import { readJsonBody } from "./validate.js";

export type OperationHandler<K extends ImplementedOperation> = (
  c: Context,
  body: RequestBody<K>,
) => Response | Promise<Response>;
export type OperationHandlers = { [K in ImplementedOperation]: OperationHandler<K> };

export function registerOperations(
  app: Hono,
  handlers: OperationHandlers,
  transport: WhatsAppTransport,
): void {
  const paired = requirePaired(transport);
  const tooLarge = (c: Context) => problemResponse(c, "PAYLOAD_TOO_LARGE", "request body is too large");
  for (const route of IMPLEMENTED_ROUTES) {
    const handler = handlers[
      route.operationId as ImplementedOperation
    ] as OperationHandler<ImplementedOperation>;
    const { request } = route;
    const middleware: MiddlewareHandler[] = [bodyLimit({ maxSize: route.maxBytes, onError: tooLarge })];
    if (route.paired) middleware.push(paired);
    app.on(route.method, route.path, every(...middleware), async (c) =>
      handler(c, (request ? await readJsonBody(c, request) : undefined) as never),
    );
  }
}
