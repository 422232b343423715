import { createServer, type IncomingHttpHeaders } from "node:http";

// A local webhook endpoint: records every JSON delivery (path, flattened headers, raw body, parsed
// body) and answers 200.
export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  json: { eventId: string; instanceId: string; eventType: string; eventData: Record<string, unknown> };
}

export async function startReceiver() {
  const received: Received[] = [];
  const waiting: Array<() => void> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      try {
        received.push({ path: req.url ?? "", headers: flatten(req.headers), body, json: JSON.parse(body) });
      } catch {}
      for (const wake of waiting.splice(0)) wake();
      res.writeHead(200);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    /** Resolves with the first delivery matching `check`, or rejects after `timeoutMs`. */
    async waitFor(check: (delivery: Received) => boolean, timeoutMs: number): Promise<Received> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(check);
        if (found) return found;
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`no matching webhook within ${timeoutMs} ms (${received.length} received)`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiting.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}
