import { phoneNumber } from "@wsapi/contracts/instance-api";
import QRCode from "qrcode";
import type { AppDependencies } from "../app.js";
import type { OperationHandlers } from "../http/operations.js";
import { ProblemError } from "../http/problem.js";
import { readParam } from "../http/validate.js";
import type { WhatsAppTransport } from "../transport/port.js";

export function sessionHandlers({ transport }: AppDependencies) {
  return {
    getSessionStatus: (c) => {
      const { isConnected, isLoggedIn, deviceId, health } = transport.status();
      return c.json({
        isConnected,
        isLoggedIn,
        ...(isLoggedIn && deviceId ? { deviceId } : {}),
        ...(health ? { health } : {}),
      });
    },

    getQR: async (c) => {
      const png = await QRCode.toBuffer(currentQr(transport), { type: "png", width: 320, margin: 2 });
      return c.body(new Uint8Array(png), 200, { "content-type": "image/png", "cache-control": "no-store" });
    },

    getQRText: (c) => {
      c.header("cache-control", "no-store");
      return c.json({ code: currentQr(transport) });
    },

    getPairCode: async (c) => {
      const phone = readParam(phoneNumber, c.req.param("phone"), "phone").replace(/^\+/, "");
      assertPairable(transport);
      c.header("cache-control", "no-store");
      return c.json({ code: await transport.requestPairCode(phone) });
    },

    flushHistory: async (c) => {
      await transport.flushHistory();
      return c.json({ status: "ok" }, 202);
    },

    logout: async (c) => {
      if (!transport.status().isLoggedIn) throw new ProblemError("NOT_PAIRED", "device is not paired");
      await transport.logout();
      return c.body(null, 204);
    },
  } satisfies Partial<OperationHandlers>;
}

function assertPairable(transport: WhatsAppTransport): void {
  const status = transport.status();
  if (status.isLoggedIn) throw new ProblemError("ALREADY_PAIRED", "device is already paired; log out first");
  if (!status.isConnected)
    throw new ProblemError("UNAVAILABLE", "not connected to WhatsApp yet; retry shortly");
}

function currentQr(transport: WhatsAppTransport): string {
  assertPairable(transport);
  const qr = transport.qrCode();
  if (!qr) throw new ProblemError("UNAVAILABLE", "QR code not available yet; retry shortly");
  return qr;
}
