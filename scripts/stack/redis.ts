import { execFileSync, spawnSync } from "node:child_process";
import { createConnection } from "node:net";

// The local stand-in for Memorystore: Debian's redis-server on a fixed loopback port, AUTH on (the
// password is WSAPI_REDIS_AUTH in functions/.secret.local), nothing persisted, started and stopped
// with the stack.

function onPath(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/** Installs Debian's redis-server when it is missing; explains what to do where apt cannot. */
export function ensureRedisServer(): string {
  if (onPath("redis-server")) return "redis-server";
  if (!onPath("apt-get")) {
    throw new Error(
      "redis-server is not installed and apt-get is unavailable: install Redis 7 (a `redis-server` on PATH) " +
        "and start the stack again",
    );
  }
  const root = process.getuid?.() === 0;
  if (!root && !onPath("sudo")) {
    throw new Error(
      "redis-server is not installed: run `sudo apt-get install -y redis-server`, then start again",
    );
  }
  console.log("[wsapi] installing redis-server (apt-get)…");
  const sudo = root ? [] : ["sudo"];
  const run = (args: string[]) =>
    execFileSync(sudo[0] ?? args[0]!, sudo.length ? args : args.slice(1), {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  run(["apt-get", "update"]);
  run(["apt-get", "install", "-y", "--no-install-recommends", "redis-server"]);
  return "redis-server";
}

/** redis-server arguments: loopback only, no RDB snapshots, no AOF, AUTH required. */
export function redisArgs(port: number, password: string): string[] {
  return [
    "--bind",
    "127.0.0.1",
    "--port",
    String(port),
    "--save",
    "",
    "--appendonly",
    "no",
    "--requirepass",
    password,
    "--protected-mode",
    "yes",
    "--daemonize",
    "no",
  ];
}

/** True once redis-server answers PING with PONG after AUTH. */
export function redisReady(port: number, password: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(port, "127.0.0.1");
    let answer = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("error", () => done(false));
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("utf8");
      if (answer.includes("+PONG")) done(true);
      else if (answer.includes("-")) done(false);
    });
    socket.once("connect", () => {
      socket.write(
        `*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(password)}\r\n${password}\r\n*1\r\n$4\r\nPING\r\n`,
      );
    });
  });
}
