import { personJid } from "@wsapi/contracts/instance-api";
import type { AppDependencies } from "../app.js";
import type { OperationHandlers } from "../http/operations.js";
import { ProblemError } from "../http/problem.js";
import { readParam } from "../http/validate.js";

export function contactHandlers({ transport }: AppDependencies) {
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

    getContact: async (c) => {
      const contact = await transport.getContact(readParam(personJid, c.req.param("contactId"), "contactId"));
      if (!contact) throw new ProblemError("NOT_FOUND", "contact not found");
      return c.json(contact);
    },
  } satisfies Partial<OperationHandlers>;
}
