import { createSocket } from "node:dgram";
import { Resolver } from "node:dns/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { EMPTY_DEFAULTS, type Instance } from "../src/core/instances.js";
import type { InstanceStore } from "../src/core/ports/instances.js";

// Real local servers for the webhook tests: a tiny DNS responder (UDP, A/AAAA only) and HTTP
// receivers that record what they got.

interface DnsRecords {
  [name: string]: { A?: string[]; AAAA?: string[] };
}

function encodeAddress(type: number, address: string): Buffer {
  if (type === 1) return Buffer.from(address.split(".").map(Number));
  // The URL parser writes every IPv6 spelling as hex groups with at most one "::".
  const [head = "", tail = ""] = new URL(`http://[${address}]/`).hostname.slice(1, -1).split("::");
  const groups = (part: string) => (part ? part.split(":") : []);
  const zeros = Array<string>(8 - groups(head).length - groups(tail).length).fill("0");
  const words = [...groups(head), ...zeros, ...groups(tail)].map((group) => Number.parseInt(group, 16));
  return Buffer.from(words.flatMap((word) => [word >> 8, word & 0xff]));
}

function answer(query: Buffer, records: DnsRecords): Buffer {
  let offset = 12;
  const labels: string[] = [];
  while (query[offset]! > 0) {
    labels.push(query.subarray(offset + 1, offset + 1 + query[offset]!).toString("ascii"));
    offset += query[offset]! + 1;
  }
  const questionEnd = offset + 5;
  const type = query.readUInt16BE(offset + 1);
  const entry = records[labels.join(".").toLowerCase()];
  const addresses = (type === 1 ? entry?.A : type === 28 ? entry?.AAAA : undefined) ?? [];
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  header.writeUInt16BE(entry ? 0x8180 : 0x8183, 2); // answer, recursion available; NXDOMAIN if unknown
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(addresses.length, 6);
  const answers = addresses.map((address) => {
    const rdata = encodeAddress(type, address);
    const fixed = Buffer.alloc(12);
    fixed.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    fixed.writeUInt16BE(type, 2);
    fixed.writeUInt16BE(1, 4);
    fixed.writeUInt32BE(5, 6);
    fixed.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([fixed, rdata]);
  });
  return Buffer.concat([header, query.subarray(12, questionEnd), ...answers]);
}

export async function startDnsServer(records: DnsRecords) {
  const socket = createSocket("udp4");
  const queries: string[] = [];
  socket.on("message", (query, peer) => {
    queries.push(query.toString("latin1"));
    socket.send(answer(query, records), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  return {
    port,
    resolver,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  at: number;
}

/** An HTTP receiver whose answer is decided per request by `respond` (which may hang or reset). */
export async function startReceiver(
  respond: (request: ReceivedRequest, res: ServerResponse, index: number) => void,
) {
  const requests: ReceivedRequest[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
      };
      requests.push(request);
      respond(request, res, requests.length - 1);
    });
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function testInstance(overrides: Partial<Instance["settings"]> = {}): Instance {
  return {
    instanceId: "sales-1",
    accountId: "acct-1",
    runtimeId: "wi0123456789abcdef0123",
    name: "Sales",
    createdAt: 1_700_000_000_000,
    settings: {
      useCustomDefaults: false,
      pullMode: false,
      webhookUrl: "http://127.0.0.1:9/hook",
      historySync: false,
      eventFilters: null,
      webhookAuthHeader: null,
      hasSigningSecret: false,
      hasWebhookAuthValue: false,
      ...overrides,
    },
    apiKey: { prefix: "wsk_test", createdAt: 1_700_000_000_000 },
    runtime: { state: "running", updatedAt: 1_700_000_000_000 },
  };
}

/** Only what webhook delivery reads from the instance store. */
export function memoryInstances(instances: Instance[]) {
  const byKey = new Map(
    instances.map((instance) => [`${instance.accountId}/${instance.instanceId}`, instance]),
  );
  const store = {
    async get(accountId: string, instanceId: string) {
      return byKey.get(`${accountId}/${instanceId}`);
    },
    async getDefaults() {
      return EMPTY_DEFAULTS;
    },
  };
  return { store: store as unknown as InstanceStore, byKey };
}
