// Newsletters through the simulated network (the simulator transport's part of newsletter-port.ts).
import { NewsletterInfo } from "@wsapi/contracts/newsletter-api";
import { z } from "zod";
import type { NewsletterOperations } from "./newsletter-port.js";
import type { SimulatorConnection } from "./simulator-connection.js";

const Done = z.unknown();

export function simulatorNewsletters(network: SimulatorConnection): NewsletterOperations {
  return {
    list: () => network.call("listNewsletters", {}, z.array(NewsletterInfo)),
    create: ({ name, description, picture }) =>
      network.call(
        "createNewsletter",
        {
          name,
          ...(description !== undefined ? { description } : {}),
          ...(picture ? { picture: picture.toString("base64") } : {}),
        },
        z.string(),
      ),
    get: (newsletterId) => network.call("getNewsletter", { newsletterId }, NewsletterInfo.optional()),
    byInviteCode: (code) => network.call("newsletterByInvite", { code }, NewsletterInfo.optional()),
    setSubscribed: async (newsletterId, subscribed) =>
      void (await network.call("setNewsletterSubscribed", { newsletterId, subscribed }, Done)),
    setMuted: async (newsletterId, muted) =>
      void (await network.call("setNewsletterMuted", { newsletterId, muted }, Done)),
  };
}
