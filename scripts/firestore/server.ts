// Local Firestore stand-in: @firestore-emulator/server with isolated transactions (./isolation.ts).
// CLI: `tsx scripts/firestore/server.ts --port 8080 [--host 127.0.0.1] [--export-port N] [--data-file F]`,
// runs until SIGINT/SIGTERM. With --data-file it loads F at start and saves to F when stopped, so a
// restarted server keeps its data (like the official emulator's --import and --export-on-exit).
import { createServer } from "node:http";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { FirestoreServer, type FirestoreState } from "@firestore-emulator/server";
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { type IsolationOptions, type ServiceClass, withIsolation } from "./isolation.ts";
import { loadSnapshot, saveSnapshot } from "./persistence.ts";

export interface StartOptions extends IsolationOptions {
  host?: string;
  port: number;
  /** Load documents from this file at start; `stop()` saves them back. */
  dataFile?: string;
}

export interface RunningFirestore {
  port: number;
  /** How many documents were loaded from the data file. */
  loaded: number;
  /** Every stored document as JSON, for the tests that scan all stored data for leaks. */
  exportJson(): string;
  stop(): Promise<void>;
}

/**
 * The package exports FirestoreServer but not its service class; capture the class from the
 * instance FirestoreServer registers so we can subclass it. The throwaway server is never bound.
 */
function upstreamService(): { Service: ServiceClass; state: FirestoreState } {
  const addService = Server.prototype.addService;
  let impl: object | undefined;
  Server.prototype.addService = function (this: Server, ...args: Parameters<Server["addService"]>) {
    impl = args[1];
    return addService.apply(this, args);
  };
  try {
    const { state } = new FirestoreServer();
    if (!impl) throw new Error("@firestore-emulator/server registered no service (grpc-js copy mismatch?)");
    return { Service: impl.constructor as ServiceClass, state };
  } finally {
    Server.prototype.addService = addService;
  }
}

/**
 * Upstream ignores a query's offset (the account API's page numbers need it): the query runs here
 * without its limit, then the offset and the limit apply, in Firestore's order.
 */
function honourOffset(state: FirestoreState) {
  const query = state.v1Query.bind(state);
  state.v1Query = (parent, structured) => {
    if (!structured.offset) return query(parent, structured);
    const unlimited = structured.clone();
    unlimited.limit = undefined as unknown as typeof structured.limit;
    const skipped = query(parent, unlimited).slice(structured.offset);
    return structured.has_limit ? skipped.slice(0, structured.limit.value) : skipped;
  };
}

export async function startFirestore(opts: StartOptions): Promise<RunningFirestore> {
  const { Service, state } = upstreamService();
  honourOffset(state);
  const loaded = opts.dataFile ? loadSnapshot(state, opts.dataFile) : 0;
  const Isolated = withIsolation(Service, opts);
  const server = new Server();
  server.addService(Service.definition, new Isolated(state));
  const host = opts.host ?? "127.0.0.1";
  const port = await new Promise<number>((done, fail) =>
    server.bindAsync(`${host}:${opts.port}`, ServerCredentials.createInsecure(), (err, bound) =>
      err ? fail(err) : done(bound),
    ),
  );
  return {
    port,
    loaded,
    exportJson: () => JSON.stringify(state.toJSON()),
    // Graceful first; open Listen streams never end on their own, so force after a grace period.
    // Saved after the last request has ended, so no acknowledged write is missing from the file.
    stop: async () => {
      await new Promise<void>((done) => {
        const force = setTimeout(() => server.forceShutdown(), 1000);
        server.tryShutdown(() => {
          clearTimeout(force);
          done();
        });
      });
      if (opts.dataFile) saveSnapshot(state, opts.dataFile);
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8080" },
      host: { type: "string", default: "127.0.0.1" },
      "export-port": { type: "string" },
      "data-file": { type: "string" },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0) throw new Error(`invalid --port ${values.port}`);
  const dataFile = values["data-file"];
  const running = await startFirestore({ host: values.host, port, ...(dataFile ? { dataFile } : {}) });
  console.log(`firestore ready on ${values.host}:${running.port} (${running.loaded} documents loaded)`);
  // Loopback-only dump of all data (the stand-in has no export API; tests scan it for plaintext leaks).
  const exportServer = values["export-port"]
    ? createServer((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(running.exportJson());
      }).listen(Number(values["export-port"]), "127.0.0.1")
    : undefined;
  const shutdown = () => {
    exportServer?.close();
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
