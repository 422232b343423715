import { CreateContactRequest, personJid } from "@wsapi/contracts/instance-api";
import type { Hono } from "hono";
import type { AppDependencies } from "../app.js";
import { requirePaired } from "../http/errors.js";
import { ProblemError } from "../http/problem.js";
import { readJsonBody, readParam } from "../http/validate.js";

export function registerContactRoutes(app: Hono, { transport }: AppDependencies): void {
  app.use("/contacts", requirePaired(transport));
  app.use("/contacts/*", requirePaired(transport));

  app.get("/contacts", async (c) => c.json(await transport.listContacts()));

  app.post("/contacts", async (c) => {
    const body = await readJsonBody(c, CreateContactRequest);
    const id = body.id.includes("@") ? body.id : `${body.id.replace(/^\+/, "")}@s.whatsapp.net`;
    await transport.saveContact({
      id,
      fullName: body.fullName,
      ...(body.firstName ? { firstName: body.firstName } : {}),
    });
    return c.body(null, 204);
  });

  app.get("/contacts/:id", async (c) => {
    const contact = await transport.getContact(readParam(personJid, c.req.param("id"), "id"));
    if (!contact) throw new ProblemError("not-found", "contact not found");
    return c.json(contact);
  });
}
