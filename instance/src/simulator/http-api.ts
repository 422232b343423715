// The simulator's HTTP API: what a person does on their phone (scan a QR, type a pair code, send
// a message, call), for tests and local development. Documented in instance/README.md.

import { BusinessProfile } from "@wsapi/contracts/instance-api";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { ProblemError, problemResponse } from "../http/problem.js";
import { readJsonBody, readParam } from "../http/validate.js";
import * as directory from "./directory.js";
import { registerSocialApi } from "./http-social.js";
import { acceptCall, sendMessage, startCall } from "./messages.js";
import { userJid } from "./network.js";
import { SimError, type SimWorld } from "./world.js";

const phoneParam = z
  .string()
  .regex(/^\+?\d{7,15}$/, "must be a phone number (7 to 15 digits)")
  .transform((phone) => phone.replace(/^\+/, ""));
const chatTarget = z
  .string()
  .regex(
    /^(\+?\d{7,15}|\d{5,20}@s\.whatsapp\.net|\d{5,25}(-\d{5,15})?@g\.us)$/,
    "must be a phone number or JID",
  )
  .transform((to) => (to.includes("@") ? to : userJid(to.replace(/^\+/, ""))));

// `refuse`: the phone fails to link the device (the instance gets `login_error`).
const LinkBody = z.object({ qr: z.string().min(1).max(1024), refuse: z.boolean().default(false) });
const PairBody = z.object({
  code: z.string().regex(/^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$/, "must look like ABCD-EFGH"),
  refuse: z.boolean().default(false),
});
const CallParam = z.string().regex(/^[A-Za-z0-9]{1,64}$/, "must be a call id");
const MessageBody = z.object({ to: chatTarget, text: z.string().min(1).max(65_536) });
const CallBody = z.object({ to: chatTarget, isVideo: z.boolean().default(false) });
const PresenceBody = z.object({ to: chatTarget, state: z.enum(["typing", "paused", "recording"]) });
const AvailabilityBody = z.object({ presence: z.enum(["available", "unavailable"]) });
const FreezeBody = z.object({ deviceId: z.string().min(3).max(128) });
const ProfileBody = z.object({
  name: z.string().min(1).max(25).optional(),
  status: z.string().max(139).optional(),
});

const BusinessBody = BusinessProfile.omit({ id: true }).strict();

export function createSimulatorApi(world: SimWorld): Hono {
  const app = new Hono();
  const phoneOf = (c: Context) => readParam(phoneParam, c.req.param("phone"), "phone");
  app.use(
    "*",
    bodyLimit({
      maxSize: 256 * 1024,
      onError: (c) => problemResponse(c, "PAYLOAD_TOO_LARGE", "body too large"),
    }),
  );

  app.get("/v1/healthz", (c) => c.json({ status: "ok" }));

  app.post("/v1/phones/:phone/link", async (c) => {
    const phone = phoneOf(c);
    const { qr, refuse } = await readJsonBody(c, LinkBody);
    const outcome = world.net.linkByQr(phone, qr, refuse);
    if (!outcome)
      throw new ProblemError("NOT_FOUND", "no instance is showing this QR code (it may have rotated)");
    return c.json(outcome);
  });

  app.post("/v1/phones/:phone/pair", async (c) => {
    const phone = phoneOf(c);
    const { code, refuse } = await readJsonBody(c, PairBody);
    const outcome = world.net.linkByPairCode(phone, code, refuse);
    if (!outcome) throw new ProblemError("NOT_FOUND", "pair code is unknown, expired, or for another phone");
    return c.json(outcome);
  });

  app.put("/v1/phones/:phone/profile", async (c) => {
    const phone = phoneOf(c);
    const body = await readJsonBody(c, ProfileBody);
    world.net.account(phone);
    directory.updateProfile(world, { phone }, body);
    return c.body(null, 204);
  });

  // Makes the phone a business account with this profile (what /chats/{id}/business answers).
  app.put("/v1/phones/:phone/business", async (c) => {
    const phone = phoneOf(c);
    const profile = await readJsonBody(c, BusinessBody);
    world.net.account(phone).business = profile;
    return c.body(null, 204);
  });

  app.get("/v1/pictures/:pictureId", (c) => {
    const picture = world.picture(c.req.param("pictureId"));
    if (!picture) throw new ProblemError("NOT_FOUND", "no such picture");
    return c.body(new Uint8Array(picture), 200, { "content-type": "image/jpeg" });
  });

  app.post("/v1/phones/:phone/messages", async (c) => {
    const phone = phoneOf(c);
    const { to, text } = await readJsonBody(c, MessageBody);
    world.net.account(phone);
    const id = sendMessage(world, { phone }, { to, message: { kind: "text", text }, options: {} });
    return c.json({ id }, 201);
  });

  app.get("/v1/phones/:phone/messages", (c) => c.json(world.net.accounts.get(phoneOf(c))?.inbox ?? []));

  app.post("/v1/phones/:phone/presence", async (c) => {
    const phone = phoneOf(c);
    const { to, state } = await readJsonBody(c, PresenceBody);
    world.net.account(phone);
    directory.setChatPresence(world, { phone }, { chatId: to, state });
    return c.body(null, 204);
  });

  // The phone comes online or goes offline: subscribers (/chats/{id}/presence/subscribe) hear of it.
  app.put("/v1/phones/:phone/presence", async (c) => {
    const phone = phoneOf(c);
    const { presence } = await readJsonBody(c, AvailabilityBody);
    world.net.account(phone);
    directory.setPresence(world, { phone }, { presence });
    return c.body(null, 204);
  });

  app.post("/v1/phones/:phone/calls", async (c) => {
    const phone = phoneOf(c);
    const { to, isVideo } = await readJsonBody(c, CallBody);
    const callee = /^(\d+)@s\.whatsapp\.net$/.exec(to)?.[1];
    if (!callee) throw new ProblemError("BAD_REQUEST", "to: calls go to a person");
    world.net.account(phone);
    return c.json({ id: startCall(world, phone, callee, isVideo) }, 201);
  });

  // The callee answers a ringing call on its phone (another device than the linked instance).
  app.post("/v1/phones/:phone/calls/:callId/accept", (c) => {
    const phone = phoneOf(c);
    acceptCall(world, phone, readParam(CallParam, c.req.param("callId"), "callId"));
    return c.body(null, 204);
  });

  registerSocialApi(app, world, phoneOf);

  app.get("/v1/phones/:phone/devices", (c) => c.json(world.net.linkedDevices(phoneOf(c))));

  app.delete("/v1/phones/:phone/devices", (c) =>
    c.json({ loggedOut: world.net.logoutAllDevices(phoneOf(c)) }),
  );

  // Network faults for tests: a linked device's socket goes silent (no close frame, no answers).
  for (const [path, frozen] of [
    ["/v1/network/freeze", true],
    ["/v1/network/unfreeze", false],
  ] as const) {
    app.post(path, async (c) => {
      const { deviceId } = await readJsonBody(c, FreezeBody);
      if (!world.net.setFrozen(deviceId, frozen))
        throw new ProblemError("NOT_FOUND", "no live connection for this device");
      return c.body(null, 204);
    });
  }

  app.notFound((c) => problemResponse(c, "NOT_FOUND", "no such route"));
  app.onError((error, c) => {
    if (error instanceof ProblemError) return problemResponse(c, error.code, error.detail);
    if (error instanceof SimError) {
      const code =
        error.kind === "not_found" ? "NOT_FOUND" : error.kind === "forbidden" ? "FORBIDDEN" : "BAD_REQUEST";
      return problemResponse(c, code, error.message);
    }
    return problemResponse(c, "INTERNAL", "simulator error");
  });
  return app;
}
