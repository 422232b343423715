import { personJid } from "@wsapi/contracts/instance-api";
import type { Context } from "hono";
import type { AppDependencies } from "../app.js";
import type { OperationHandlers } from "../http/operations.js";
import { ProblemError } from "../http/problem.js";
import { readParam } from "../http/validate.js";

const contactOf = (c: Context) => readParam(personJid, c.req.param("contactId"), "contactId");

export function contactHandlers({ transport }: AppDependencies) {
  const blocked = async (c: Context, block: boolean) => {
    await transport.setBlocked(contactOf(c), block);
    return c.body(null, 204);
  };
  return {
    listContacts: async (c) => c.json(await transport.listContacts()),

    createContact: async (c, body) => {
      const id = body.id.includes("@") ? body.id : `${body.id.replace(/^\+/, "")}@s.whatsapp.net`;
      await transport.saveContact({
        id,
        fullName: body.fullName,
        ...(body.firstName ? { firstName: body.firstName } : {}),
      });
      return c.body(null, 204);
    },

    syncContacts: async (c) => {
      await transport.syncContacts();
      return c.body(null, 204);
    },

    getBlocklist: async (c) => c.json(await transport.blocklist()),
    blockContact: (c) => blocked(c, true),
    unblockContact: (c) => blocked(c, false),

    getContact: async (c) => {
      const contact = await transport.getContact(contactOf(c));
      if (!contact) throw new ProblemError("NOT_FOUND", "contact not found");
      return c.json(contact);
    },
  } satisfies Partial<OperationHandlers>;
}
