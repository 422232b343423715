import { phoneNumber } from "@wsapi/contracts/instance-api";
import type { Context } from "hono";
import type { AppDependencies } from "../app.js";
import type { OperationHandlers } from "../http/operations.js";
import { readParam } from "../http/validate.js";

const digits = (phone: string) => phone.replace(/^\+/, "");
const phoneOf = (c: Context) => digits(readParam(phoneNumber, c.req.param("phone"), "phone"));

export function userHandlers({ transport }: AppDependencies) {
  return {
    getMyProfile: async (c) => c.json(await transport.myProfile()),

    updateMyProfile: async (c, body) => {
      await transport.updateProfile({
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.status !== undefined ? { status: body.status } : {}),
        ...(body.picture !== undefined ? { picture: Buffer.from(body.picture, "base64") } : {}),
      });
      return c.body(null, 204);
    },

    setPresence: async (c, { presence }) => {
      await transport.setPresence(presence);
      return c.body(null, 204);
    },

    getPrivacySettings: async (c) => c.json(await transport.privacySettings()),

    setPrivacySetting: async (c, { setting, value }) => {
      await transport.setPrivacy(setting, value);
      return c.json(await transport.privacySettings());
    },

    bulkCheckUsers: async (c, { phones }) => c.json(await transport.checkUsers(phones.map(digits))),

    checkUser: async (c) => {
      const [result] = await transport.checkUsers([phoneOf(c)]);
      return c.json({ isInWhatsApp: result?.isInWhatsApp ?? false });
    },

    getUserProfile: async (c) => c.json(await transport.userProfile(phoneOf(c))),
  } satisfies Partial<OperationHandlers>;
}
