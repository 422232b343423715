import { createConnection } from "node:net";
import { ensureDebianCommand } from "./debian.js";

// The local stand-in for Memorystore: Debian's redis-server on a fixed loopback port, AUTH on (the
// password is WSAPI_REDIS_AUTH in functions/.secret.local), nothing persisted, started and stopped
// with the stack.

/** Installs Debian's redis-server when it is missing. */
export function ensureRedisServer(): string {
  return ensureDebianCommand("redis-server", "redis-server");
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
