import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { waitFor } from "../../test/support/wait.js";

// Child processes of the local stack: each in its own process group so stopping it leaves
// nothing behind, output written to .wsapi/logs/<name>.log and optionally echoed.
export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  /** Output always goes to <logDir>/<name>.log (tests scan these files for leaks). */
  logDir: string;
  /** Also print output on the console, prefixed with the process name. */
  echo?: boolean;
}

function pipeOutput(name: string, child: ChildProcess, options: SpawnOptions): WriteStream {
  mkdirSync(options.logDir, { recursive: true });
  const file = createWriteStream(`${options.logDir}/${name}.log`, { flags: "a" });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.pipe(file);
    stream?.on("data", (chunk: Buffer) => {
      if (!options.echo) return;
      for (const line of chunk.toString("utf8").split("\n"))
        if (line.trim()) console.log(`[${name}] ${line}`);
    });
  }
  return file;
}

export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions,
): ManagedProcess {
  const child = spawn(command, args, {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const file = pipeOutput(name, child, options);
  return {
    name,
    child,
    async stop() {
      await stopProcessGroup(child, "SIGINT", 10_000);
      file.end();
    },
  };
}

/** Signals a detached child's whole process group, SIGKILLs it after `graceMs`, resolves once it exited. */
export async function stopProcessGroup(
  child: ChildProcess,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<void> {
  const pid = child.pid;
  if (!pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const kill = (sent: NodeJS.Signals) => {
    try {
      process.kill(-pid, sent);
    } catch {}
  };
  kill(signal);
  const timer = setTimeout(() => kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** True when the URL answers 200 (a 404 from an emulator still loading does not count). */
export async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.body?.cancel();
  return response.status === 200;
}

/** A process the stack can stop and start again while it runs (fault tests restart Firestore). */
export interface RestartableProcess {
  name: string;
  running(): boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function restartable(
  name: string,
  spawnIt: () => ManagedProcess,
  ready: () => Promise<boolean>,
): RestartableProcess {
  let current: ManagedProcess | undefined;
  return {
    name,
    running: () => current !== undefined,
    async start() {
      current ??= spawnIt();
      await waitFor(ready, name, { timeoutMs: 120_000 });
    },
    async stop() {
      const stopping = current;
      current = undefined;
      await stopping?.stop();
    },
  };
}
