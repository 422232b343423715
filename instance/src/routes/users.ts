import {
  BulkCheckRequest,
  phoneNumber,
  SetMyPresenceRequest,
  UpdateProfileRequest,
} from "@wsapi/contracts/instance-api";
import type { Hono } from "hono";
import type { AppDependencies } from "../app.js";
import { requirePaired } from "../http/errors.js";
import { readJsonBody, readParam } from "../http/validate.js";

export function registerUserRoutes(app: Hono, { transport }: AppDependencies): void {
  app.use("/users/*", requirePaired(transport));
  const digits = (phone: string) => phone.replace(/^\+/, "");

  app.get("/users/me/profile", async (c) => c.json(await transport.myProfile()));

  app.put("/users/me/profile", async (c) => {
    const body = await readJsonBody(c, UpdateProfileRequest);
    await transport.updateProfile({
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.status !== undefined ? { status: body.status } : {}),
      ...(body.picture !== undefined ? { picture: Buffer.from(body.picture, "base64") } : {}),
    });
    return c.body(null, 204);
  });

  app.put("/users/me/presence", async (c) => {
    const { presence } = await readJsonBody(c, SetMyPresenceRequest);
    await transport.setPresence(presence);
    return c.body(null, 204);
  });

  app.post("/users/check", async (c) => {
    const { phones } = await readJsonBody(c, BulkCheckRequest);
    return c.json(await transport.checkUsers(phones.map(digits)));
  });

  app.get("/users/:phone/check", async (c) => {
    const phone = digits(readParam(phoneNumber, c.req.param("phone"), "phone"));
    const [result] = await transport.checkUsers([phone]);
    return c.json({ isInWhatsApp: result?.isInWhatsApp ?? false });
  });

  app.get("/users/:phone/profile", async (c) => {
    const phone = digits(readParam(phoneNumber, c.req.param("phone"), "phone"));
    return c.json(await transport.userProfile(phone));
  });
}
