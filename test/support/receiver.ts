import { createServer, type IncomingHttpHeaders } from "node:http";

// A local webhook receiver: records every delivery with its raw body and headers.
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: { eventId: string; instanceId: string; eventType: string; eventData: Record<string, unknown> };
}

export async function startReceiver() {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      try {
        received.push({ headers: req.headers, body, json: JSON.parse(body) });
      } catch {}
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
