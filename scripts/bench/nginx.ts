import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "../../test/support/wait.js";
import { ensureDebianCommand } from "../stack/debian.js";

// The yardstick for the gateway: Debian's nginx as a plain reverse proxy in front of the same instance
// (one worker, keep-alive upstream pool, no logging), so "gateway / nginx" compares our hop with the
// cheapest well-known one on the same machine and load.

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once("error", reject);
  });
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

export async function startNginx(upstreamUrl: string) {
  const nginx = ensureDebianCommand("nginx", "nginx");
  const dir = mkdtempSync(join(tmpdir(), "wsapi-bench-nginx-"));
  chmodSync(dir, 0o755); // the worker may run as another user when we are root
  const port = await freePort();
  const upstream = new URL(upstreamUrl).host;
  writeFileSync(
    join(dir, "nginx.conf"),
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream instance {
    server ${upstream};
    keepalive 32;
    keepalive_timeout 4s; # below Node's 5 s, so nginx never reuses a connection the instance closed
  }
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 1000000; # Node closes no keep-alive connection after a number of requests either
    location / {
      proxy_pass http://instance;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`,
  );
  const child = spawn(nginx, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")], {
    stdio: "ignore",
  });
  await waitFor(async () => ((await accepts(port)) ? true : undefined), "nginx listening");
  const workerPid = () =>
    Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").trim());
  return {
    url: `http://127.0.0.1:${port}`,
    /** The worker's pid: it does all the proxying. */
    workerPid,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => resolve(rmSync(dir, { recursive: true, force: true }));
        if (child.exitCode !== null) return done();
        child.once("exit", done);
        child.kill("SIGQUIT");
      }),
  };
}
