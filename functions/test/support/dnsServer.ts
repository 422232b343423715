import { createSocket } from "node:dgram";
import { Resolver } from "node:dns/promises";

// A tiny real DNS responder (UDP, A/AAAA only) for the webhook HTTP client tests.

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
