// Communities through the simulated network (the simulator transport's part of community-port.ts).
import { CommunityInfo, CommunitySubGroup } from "@wsapi/contracts/community-api";
import { z } from "zod";
import type { CommunityOperations } from "./community-port.js";
import type { SimulatorConnection } from "./simulator-connection.js";

const Done = z.unknown();

export function simulatorCommunities(network: SimulatorConnection): CommunityOperations {
  const done = async (promise: Promise<unknown>) => void (await promise);
  const get = (communityId: string) =>
    network.call("getCommunity", { communityId }, CommunityInfo.optional());
  return {
    list: () => network.call("listCommunities", {}, z.array(CommunityInfo)),
    create: (community) => network.call("createCommunity", community, z.string()),
    get,
    participants: async (communityId) =>
      (await get(communityId))?.participants.map(({ id, lid, phone, device }) => ({
        id,
        ...(lid ? { lid } : {}),
        ...(phone ? { phone } : {}),
        ...(device ? { device } : {}),
      })),
    leave: (communityId) => done(network.call("leaveCommunity", { communityId }, Done)),
    setName: (communityId, name) => done(network.call("setCommunityName", { communityId, name }, Done)),
    setDescription: (communityId, description) =>
      done(network.call("setCommunityDescription", { communityId, description }, Done)),
    setLocked: (communityId, locked) =>
      done(network.call("setCommunityLocked", { communityId, locked }, Done)),
    setPicture: (communityId, picture) =>
      network.call("setCommunityPicture", { communityId, picture: picture.toString("base64") }, z.string()),
    updateParticipants: (communityId, participants, action) =>
      done(network.call("updateCommunityParticipants", { communityId, participants, action }, Done)),
    inviteCode: (communityId, reset) =>
      network.call("communityInviteCode", { communityId, reset }, z.string()),
    subGroups: (communityId) =>
      network.call("communitySubGroups", { communityId }, z.array(CommunitySubGroup).optional()),
    createGroup: (communityId, name, participants) =>
      network.call("createCommunityGroup", { communityId, name, participants }, z.string()),
    linkGroup: (communityId, groupId) =>
      done(network.call("linkCommunityGroup", { communityId, groupId }, Done)),
    unlinkGroup: (communityId, groupId) =>
      done(network.call("unlinkCommunityGroup", { communityId, groupId }, Done)),
  };
}
