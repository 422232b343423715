import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// The one local webhook endpoint of the tests and benches: records every request (path, flattened
// headers, raw body, the parsed envelope when the body is one) and answers as `respond` says, 200 by
// default. `respond` may also hang or reset the connection; close() ends every connection.
export interface Received {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
  json?: { eventId: string; instanceId: string; eventType: string; eventData: Record<string, unknown> };
}

export type Respond = (request: Received, res: ServerResponse, index: number) => void;

export async function startReceiver(respond: Respond = (_request, res) => res.writeHead(200).end()) {
  const received: Received[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const request: Received = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: flatten(req.headers),
        body,
        at: Date.now(),
        ...envelopeOf(body),
      };
      received.push(request);
      respond(request, res, received.length - 1);
    });
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    received,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

function envelopeOf(body: string): Pick<Received, "json"> {
  try {
    const parsed = JSON.parse(body);
    return parsed && typeof parsed === "object" ? { json: parsed } : {};
  } catch {
    return {};
  }
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}
