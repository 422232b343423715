import { createServer, type Server } from "node:http";
import type { RestartableProcess } from "./processes.js";

// Loopback control of the stack's restartable processes, for fault tests and by hand:
//   POST /processes/{name}/stop   stops it (gracefully: Firestore saves its data first)
//   POST /processes/{name}/start  starts it again and answers once it is ready
//   GET  /processes               names and states
export function startControl(port: number, processes: RestartableProcess[]): Promise<Server> {
  const byName = new Map(processes.map((p) => [p.name, p]));
  const server = createServer((req, res) => {
    const answer = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { "content-type": "application/json" });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (req.method === "GET" && req.url === "/processes") {
      return answer(
        200,
        processes.map((p) => ({ name: p.name, running: p.running() })),
      );
    }
    const match = /^\/processes\/([a-z-]+)\/(stop|start)$/.exec(req.url ?? "");
    const target = match ? byName.get(match[1]!) : undefined;
    if (req.method !== "POST" || !match || !target)
      return answer(404, { detail: "no such process or action" });
    const action = match[2] === "stop" ? target.stop() : target.start();
    action.then(
      () => answer(204),
      (error: unknown) => answer(500, { detail: String(error) }),
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}
