import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { instanceForwarder } from "../src/adapters/forwarder.js";

// The forwarder answers "unreachable" (undefined, which the gateway turns into 503) for every way an
// instance can fail to answer, and passes real answers through.
const servers: Server[] = [];
async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
after(() => {
  for (const server of servers) server.closeAllConnections();
  for (const server of servers) server.close();
});

describe("instance forwarder", () => {
  const forward = instanceForwarder(300);
  const get = (url: string) => forward(`${url}/session/status`, { method: "GET", headers: {} });

  it("passes an answer through", async () => {
    const url = await serve((_req, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end("{}"),
    );
    const answer = await get(url);
    assert.equal(answer?.status, 200);
  });

  it("is unreachable when nothing listens, when the socket is cut, or when no answer comes in time", async () => {
    const closed = await serve(() => {});
    servers.at(-1)!.close();
    assert.equal(await get(closed), undefined, "connection refused");
    const cut = await serve((req) => req.socket.destroy());
    assert.equal(await get(cut), undefined, "socket closed without an answer");
    const silent = await serve(() => {});
    assert.equal(await get(silent), undefined, "headers timeout");
  });
});
