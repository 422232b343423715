import { phoneNumber } from "@wsapi/contracts/instance-api";
import type { Hono } from "hono";
import QRCode from "qrcode";
import type { AppDependencies } from "../app.js";
import { ProblemError } from "../http/problem.js";
import { readParam } from "../http/validate.js";
import type { WhatsAppTransport } from "../transport/port.js";

export function registerSessionRoutes(app: Hono, { transport }: AppDependencies): void {
  app.get("/session/status", (c) => {
    const { isConnected, isLoggedIn, deviceId, health } = transport.status();
    return c.json({
      isConnected,
      isLoggedIn,
      ...(isLoggedIn && deviceId ? { deviceId } : {}),
      ...(health ? { health } : {}),
    });
  });

  app.get("/session/qr", async (c) => {
    const png = await QRCode.toBuffer(currentQr(transport), { type: "png", width: 320, margin: 2 });
    return c.body(new Uint8Array(png), 200, { "content-type": "image/png", "cache-control": "no-store" });
  });

  app.get("/session/qr/text", (c) => {
    c.header("cache-control", "no-store");
    return c.json({ code: currentQr(transport) });
  });

  app.get("/session/pair-code/:phone", async (c) => {
    const phone = readParam(phoneNumber, c.req.param("phone"), "phone").replace(/^\+/, "");
    assertPairable(transport);
    c.header("cache-control", "no-store");
    return c.json({ code: await transport.requestPairCode(phone) });
  });

  app.post("/session/logout", async (c) => {
    if (!transport.status().isLoggedIn) throw new ProblemError("device-not-paired", "device is not paired");
    await transport.logout();
    return c.body(null, 204);
  });
}

function assertPairable(transport: WhatsAppTransport): void {
  const status = transport.status();
  if (status.isLoggedIn) throw new ProblemError("already-paired", "device is already paired; log out first");
  if (!status.isConnected)
    throw new ProblemError("unavailable", "not connected to WhatsApp yet; retry shortly");
}

function currentQr(transport: WhatsAppTransport): string {
  assertPairable(transport);
  const qr = transport.qrCode();
  if (!qr) throw new ProblemError("unavailable", "QR code not available yet; retry shortly");
  return qr;
}
