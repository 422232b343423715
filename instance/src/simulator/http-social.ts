// The simulator's HTTP API for what a person does on their phone with status updates, newsletters
// and communities. Registered by http-api.ts; documented in instance/README.md.
import type { Context, Hono } from "hono";
import { z } from "zod";
import { readJsonBody, readParam } from "../http/validate.js";
import { userJid } from "./network.js";
import { postToNewsletter, setNewsletterSubscribed } from "./newsletters.js";
import { setStatusPrivacy } from "./status.js";
import type { SimWorld } from "./world.js";

const person = z
  .string()
  .regex(/^(\+?\d{7,15}|\d{5,20}@s\.whatsapp\.net)$/, "must be a phone number or user JID")
  .transform((to) => (to.includes("@") ? to : userJid(to.replace(/^\+/, ""))));
const StatusPrivacyBody = z.object({
  type: z.enum(["contacts", "blacklist", "whitelist"]),
  list: z.array(person).max(1024).default([]),
});
const newsletterParam = z.string().regex(/^\d{5,25}@newsletter$/, "must be a newsletter JID");
const PostBody = z.object({ text: z.string().min(1).max(65_536) });
const SubscriptionBody = z.object({ subscribed: z.boolean() });

export function registerSocialApi(app: Hono, world: SimWorld, phoneOf: (c: Context) => string): void {
  app.put("/v1/phones/:phone/status/privacy", async (c) => {
    const phone = phoneOf(c);
    const setting = await readJsonBody(c, StatusPrivacyBody);
    world.net.account(phone);
    setStatusPrivacy(world, phone, setting);
    return c.body(null, 204);
  });

  const newsletterOf = (c: Context) =>
    readParam(newsletterParam, c.req.param("newsletterId"), "newsletterId");

  app.put("/v1/phones/:phone/newsletters/:newsletterId/subscription", async (c) => {
    const phone = phoneOf(c);
    const { subscribed } = await readJsonBody(c, SubscriptionBody);
    world.net.account(phone);
    setNewsletterSubscribed(world, { phone }, { newsletterId: newsletterOf(c), subscribed });
    return c.body(null, 204);
  });

  app.post("/v1/phones/:phone/newsletters/:newsletterId/messages", async (c) => {
    const phone = phoneOf(c);
    const { text } = await readJsonBody(c, PostBody);
    return c.json({ id: postToNewsletter(world, phone, newsletterOf(c), text) }, 201);
  });
}
