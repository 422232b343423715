import { createServer, type IncomingHttpHeaders } from "node:http";

// A local webhook endpoint for browser tests: records every POST and answers 200.
export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  const waiting: Array<() => void> = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        path: request.url ?? "",
        headers: flatten(request.headers),
        body: Buffer.concat(chunks).toString("utf8"),
      });
      for (const wake of waiting.splice(0)) wake();
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/wsapi-events`,
    received,
    /** Resolves with the first request matching `check`, or rejects after `timeoutMs`. */
    async waitFor(check: (webhook: ReceivedWebhook) => boolean, timeoutMs: number): Promise<ReceivedWebhook> {
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
