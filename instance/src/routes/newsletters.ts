import { newsletterJid } from "@wsapi/contracts/instance-api";
import { newsletterInviteCode } from "@wsapi/contracts/newsletter-api";
import type { Context } from "hono";
import type { AppDependencies } from "../app.js";
import type { OperationHandlers } from "../http/operations.js";
import { ProblemError } from "../http/problem.js";
import { readParam } from "../http/validate.js";

const newsletterOf = (c: Context) => readParam(newsletterJid, c.req.param("newsletterId"), "newsletterId");

export function newsletterHandlers({ transport }: AppDependencies) {
  const { newsletters } = transport;
  const found = <T>(value: T | undefined) => {
    if (value === undefined) throw new ProblemError("NOT_FOUND", "newsletter not found");
    return value;
  };

  return {
    listNewsletters: async (c) => c.json(await newsletters.list()),

    createNewsletter: async (c, { name, description, picture }) => {
      const id = await newsletters.create({
        name,
        ...(description !== undefined ? { description } : {}),
        ...(picture ? { picture: Buffer.from(picture, "base64") } : {}),
      });
      return c.json({ id }, 201);
    },

    getNewsletterByInviteCode: async (c) => {
      const code = readParam(newsletterInviteCode, c.req.param("code"), "code");
      return c.json(found(await newsletters.byInviteCode(code)));
    },
    getNewsletter: async (c) => c.json(found(await newsletters.get(newsletterOf(c)))),

    setNewsletterSubscription: async (c, { subscribed }) => {
      await newsletters.setSubscribed(newsletterOf(c), subscribed);
      return c.body(null, 204);
    },

    toggleMuteNewsletter: async (c, { mute }) => {
      await newsletters.setMuted(newsletterOf(c), mute);
      return c.body(null, 204);
    },
  } satisfies Partial<OperationHandlers>;
}
