import type { IncomingMessage, ServerResponse } from "node:http";

// Cloud Functions hands us an Express request whose body was already read into `rawBody`.
type FunctionsRequest = IncomingMessage & { rawBody?: Buffer; originalUrl?: string };
type FetchHandler = (request: Request) => Response | Promise<Response>;

function toFetchRequest(req: FunctionsRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const url = `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`;
  const hasBody = req.method !== "GET" && req.method !== "HEAD" && req.rawBody && req.rawBody.length > 0;
  return new Request(url, {
    method: req.method ?? "GET",
    headers,
    ...(hasBody ? { body: req.rawBody } : {}),
  });
}

async function writeFetchResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** Adapts a fetch-style app (Hono) to the (req, res) handler Cloud Functions calls. */
export function functionsHandler(load: () => Promise<FetchHandler>) {
  return async (req: FunctionsRequest, res: ServerResponse) => {
    const handle = await load();
    await writeFetchResponse(res, await handle(toFetchRequest(req)));
  };
}
