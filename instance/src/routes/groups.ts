import {
  CreateGroupRequest,
  groupJid,
  JoinWithLinkRequest,
  SetBoolRequest,
  SetGroupDescriptionRequest,
  SetGroupNameRequest,
  SetMemberAddModeRequest,
  UpdateParticipantsRequest,
} from "@wsapi/contracts/instance-api";
import type { Hono } from "hono";
import type { AppDependencies } from "../app.js";
import { requirePaired } from "../http/errors.js";
import { ProblemError } from "../http/problem.js";
import { readJsonBody, readParam } from "../http/validate.js";

const INVITE_LINK_PREFIX = "https://chat.whatsapp.com/";

export function registerGroupRoutes(app: Hono, { transport }: AppDependencies): void {
  app.use("/groups", requirePaired(transport));
  app.use("/groups/*", requirePaired(transport));
  const groupOf = (param: string | undefined) => readParam(groupJid, param, "id");

  app.get("/groups", async (c) => c.json(await transport.listGroups()));

  app.post("/groups", async (c) => {
    const { name, participants } = await readJsonBody(c, CreateGroupRequest);
    const group = await transport.createGroup(name, participants);
    return c.json({ id: group.groupId }, 201);
  });

  app.post("/groups/join/link", async (c) => {
    const { code } = await readJsonBody(c, JoinWithLinkRequest);
    return c.json({ id: await transport.joinGroup(code) }, 201);
  });

  app.get("/groups/:id", async (c) => {
    const group = await transport.getGroup(groupOf(c.req.param("id")));
    if (!group) throw new ProblemError("not-found", "group not found");
    return c.json(group);
  });

  app.get("/groups/:id/participants", async (c) => {
    const group = await transport.getGroup(groupOf(c.req.param("id")));
    if (!group) throw new ProblemError("not-found", "group not found");
    return c.json(group.participants);
  });

  app.put("/groups/:id/participants", async (c) => {
    const id = groupOf(c.req.param("id"));
    const { participants, action } = await readJsonBody(c, UpdateParticipantsRequest);
    await transport.updateGroupParticipants(id, participants, action);
    return c.body(null, 204);
  });

  app.get("/groups/:id/invite-link", async (c) => {
    const code = await transport.groupInviteLink(groupOf(c.req.param("id")), false);
    return c.json({ link: `${INVITE_LINK_PREFIX}${code}` });
  });

  app.post("/groups/:id/invite-link/reset", async (c) => {
    const code = await transport.groupInviteLink(groupOf(c.req.param("id")), true);
    return c.json({ link: `${INVITE_LINK_PREFIX}${code}` });
  });

  app.post("/groups/:id/leave", async (c) => {
    await transport.leaveGroup(groupOf(c.req.param("id")));
    return c.body(null, 204);
  });

  app.put("/groups/:id/name", async (c) => {
    const id = groupOf(c.req.param("id"));
    const { name } = await readJsonBody(c, SetGroupNameRequest);
    await transport.setGroupName(id, name);
    return c.body(null, 204);
  });

  app.put("/groups/:id/description", async (c) => {
    const id = groupOf(c.req.param("id"));
    const { description } = await readJsonBody(c, SetGroupDescriptionRequest);
    await transport.setGroupDescription(id, description);
    return c.body(null, 204);
  });

  for (const setting of ["announce", "locked", "join-approval"] as const) {
    app.put(`/groups/:id/settings/${setting}`, async (c) => {
      const id = groupOf(c.req.param("id"));
      const { enabled } = await readJsonBody(c, SetBoolRequest);
      await transport.updateGroupSetting(id, { setting, enabled });
      return c.body(null, 204);
    });
  }

  app.put("/groups/:id/settings/member-add-mode", async (c) => {
    const id = groupOf(c.req.param("id"));
    const { onlyAdminAdd } = await readJsonBody(c, SetMemberAddModeRequest);
    await transport.updateGroupSetting(id, { setting: "member-add-mode", onlyAdminAdd });
    return c.body(null, 204);
  });
}
