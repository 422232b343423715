// Communities through Baileys: its community calls, plus the sub-groups query as whatsmeow (and so
// WSAPI) sends it, because Baileys' own drops each group's name time and the announcement-group mark.
import {
  type BinaryNode,
  type GroupMetadata,
  generateProfilePicture,
  getBinaryNodeChild,
  getBinaryNodeChildren,
  S_WHATSAPP_NET,
  type WASocket,
} from "@whiskeysockets/baileys";
import {
  APPROVAL_REQUIRED,
  type CommunityInfo,
  type CommunitySubGroup,
} from "@wsapi/contracts/community-api";
import { groupInfo, guarded } from "./baileys-actions.js";
import { identityOf } from "./baileys-jid.js";
import type { CommunityOperations } from "./community-port.js";
import { TransportError } from "./port.js";

export function communityInfo(meta: GroupMetadata): CommunityInfo {
  const group = groupInfo(meta);
  return {
    communityId: meta.id,
    ...(group.owner ? { owner: group.owner } : {}),
    name: meta.subject,
    ...(group.createdAt ? { created: group.createdAt } : {}),
    ...(meta.desc ? { description: meta.desc } : {}),
    isLocked: meta.restrict === true,
    ...(meta.joinApprovalMode ? { communityApprovalMode: APPROVAL_REQUIRED } : {}),
    participants: group.participants,
  };
}

export const subGroupsQuery = (communityId: string): BinaryNode => ({
  tag: "iq",
  attrs: { type: "get", xmlns: "w:g2", to: communityId },
  content: [{ tag: "sub_groups", attrs: {} }],
});

/** `<sub_groups><group id subject s_t><default_sub_group/></group>…` → WSAPI's sub-groups. */
export function mapSubGroups(result: BinaryNode): CommunitySubGroup[] {
  return getBinaryNodeChildren(getBinaryNodeChild(result, "sub_groups"), "group").flatMap((group) => {
    const { id, subject, s_t: setAt } = group.attrs;
    if (!id) return [];
    const seconds = Number(setAt);
    return [
      {
        groupId: id.includes("@") ? id : `${id}@g.us`,
        name: subject ?? "",
        ...(setAt && Number.isFinite(seconds) ? { nameSetAt: new Date(seconds * 1000).toISOString() } : {}),
        isAnnouncementGroup: getBinaryNodeChild(group, "default_sub_group") !== undefined,
      },
    ];
  });
}

/** Baileys' updateProfilePicture IQ, whose answer `<picture id=…>` it drops: WSAPI reports that id. */
export const pictureQuery = (communityId: string, jpeg: Buffer): BinaryNode => ({
  tag: "iq",
  attrs: { to: S_WHATSAPP_NET, type: "set", xmlns: "w:profile:picture", target: communityId },
  content: [{ tag: "picture", attrs: { type: "image" }, content: jpeg }],
});

/** A read that answers "absent" when WhatsApp says the community is unknown or not ours. */
async function absentIfMissing<T>(read: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await guarded(read);
  } catch (error) {
    if (error instanceof TransportError && (error.kind === "not_found" || error.kind === "forbidden"))
      return undefined;
    throw error;
  }
}

export function createBaileysCommunities(socket: () => WASocket): CommunityOperations {
  const metadata = (communityId: string) =>
    absentIfMissing(async () => {
      const meta = await socket().communityMetadata(communityId);
      return meta.isCommunity ? meta : undefined;
    });
  return {
    list: () =>
      guarded(async () =>
        Object.values(await socket().communityFetchAllParticipating())
          .filter((meta) => meta.isCommunity)
          .map(communityInfo),
      ),
    create: ({ name, participants, approvalRequired }) =>
      guarded(async () => {
        const sock = socket();
        const created = await sock.communityCreate(name, "");
        if (!created) throw new TransportError("rejected", "WhatsApp did not create the community");
        if (participants.length > 0) await sock.communityParticipantsUpdate(created.id, participants, "add");
        // Baileys creates every community with approval required; the request says what it wants.
        if (!approvalRequired) await sock.communityJoinApprovalMode(created.id, "off");
        return created.id;
      }),
    get: async (communityId) => {
      const meta = await metadata(communityId);
      return meta ? communityInfo(meta) : undefined;
    },
    participants: async (communityId) =>
      (await metadata(communityId))?.participants.map((p) => identityOf(p.id, p.phoneNumber, p.lid)),
    leave: (communityId) => guarded(() => socket().communityLeave(communityId)),
    setName: (communityId, name) => guarded(() => socket().communityUpdateSubject(communityId, name)),
    setDescription: (communityId, description) =>
      guarded(() =>
        socket().communityUpdateDescription(communityId, description === "" ? undefined : description),
      ),
    setLocked: (communityId, locked) =>
      guarded(() => socket().communitySettingUpdate(communityId, locked ? "locked" : "unlocked")),
    setPicture: (communityId, picture) =>
      guarded(async () => {
        const { img } = await generateProfilePicture(picture).catch(() => {
          throw new TransportError("rejected", "the picture is not an image");
        });
        const id = getBinaryNodeChild(await socket().query(pictureQuery(communityId, img)), "picture")?.attrs
          .id;
        if (!id) throw new TransportError("rejected", "WhatsApp returned no picture id");
        return id;
      }),
    updateParticipants: (communityId, participants, action) =>
      guarded(
        async () => void (await socket().communityParticipantsUpdate(communityId, participants, action)),
      ),
    inviteCode: (communityId, reset) =>
      guarded(async () => {
        const sock = socket();
        const code = reset
          ? await sock.communityRevokeInvite(communityId)
          : await sock.communityInviteCode(communityId);
        if (!code) throw new TransportError("rejected", "WhatsApp returned no invite code");
        return code;
      }),
    subGroups: (communityId) =>
      absentIfMissing(async () => mapSubGroups(await socket().query(subGroupsQuery(communityId)))),
    createGroup: (communityId, name, participants) =>
      guarded(async () => {
        const created = await socket().communityCreateGroup(name, participants, communityId);
        if (!created) throw new TransportError("rejected", "WhatsApp did not create the group");
        return created.id;
      }),
    linkGroup: (communityId, groupId) => guarded(() => socket().communityLinkGroup(groupId, communityId)),
    unlinkGroup: (communityId, groupId) => guarded(() => socket().communityUnlinkGroup(groupId, communityId)),
  };
}
