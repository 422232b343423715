import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:http";
import { createInterface } from "node:readline";

// Child processes for benchmarks: started, read until they announce themselves, then stopped.
export interface Child {
  process: ChildProcess;
  stop(): Promise<void>;
}

export function launch(
  command: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ child: Child; line: string }> {
  const [bin, ...args] = command;
  const process_ = spawn(bin!, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const stop = async () => {
    if (process_.exitCode !== null) return;
    const exited = new Promise((resolve) => process_.once("exit", resolve));
    process_.kill("SIGTERM");
    const timer = setTimeout(() => process_.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command.join(" ")} did not start`)), 30_000);
    process_.once("exit", (code) => reject(new Error(`${command.join(" ")} exited with ${code}`)));
    createInterface({ input: process_.stdout! }).on("line", (line) => {
      if (ready.test(line)) {
        clearTimeout(timer);
        resolve({ child: { process: process_, stop }, line });
      }
    });
  });
}

/** Accepts every event batch, as the control plane would, so instances have somewhere to report. */
export async function controlPlaneStub(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(req.url?.includes("session-state") && req.method === "GET" ? 404 : 202);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
