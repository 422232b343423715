import type { IncomingMessage, ServerResponse } from "node:http";

type FetchHandler = (request: Request) => Response | Promise<Response>;
type Listener = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Adapts a fetch-style app (Hono) to the (req, res) handler Cloud Functions calls. @hono/node-server
 * reads the body the framework already read (`rawBody`), builds the fetch Request lazily, and writes a
 * Response with a string or byte body straight to the socket; for that it puts its lightweight
 * Request/Response in place of the global ones (instanceof still holds), as in the instance service.
 * Loaded on the first request, so cold imports stay small.
 */
export function functionsHandler(load: () => Promise<FetchHandler>) {
  let listener: Promise<Listener> | undefined;
  return async (req: IncomingMessage, res: ServerResponse) => {
    listener ??= import("@hono/node-server").then(({ getRequestListener }) =>
      getRequestListener(async (request) => (await load())(request)),
    );
    await (await listener)(req, res);
  };
}
