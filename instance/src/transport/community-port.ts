// What the Communities routes need from WhatsApp. A community is a parent group with an
// announcement group and linked sub-groups; its JID is a group JID. Implemented by
// baileys-communities.ts and simulator-communities.ts.
import type { CommunityInfo, CommunitySubGroup } from "@wsapi/contracts/community-api";
import type { Identity } from "@wsapi/contracts/instance-api";
import type { ParticipantAction } from "./port.js";

export interface NewCommunity {
  name: string;
  participants: string[];
  /** Joining needs an admin's approval. */
  approvalRequired: boolean;
}

export interface CommunityOperations {
  list(): Promise<CommunityInfo[]>;
  /** Creates the community and its announcement group; returns the community's JID. */
  create(community: NewCommunity): Promise<string>;
  get(communityId: string): Promise<CommunityInfo | undefined>;
  participants(communityId: string): Promise<Identity[] | undefined>;
  leave(communityId: string): Promise<void>;
  setName(communityId: string, name: string): Promise<void>;
  setDescription(communityId: string, description: string): Promise<void>;
  setLocked(communityId: string, locked: boolean): Promise<void>;
  /** Sets the community's picture (JPEG); returns WhatsApp's picture id. */
  setPicture(communityId: string, picture: Buffer): Promise<string>;
  updateParticipants(communityId: string, participants: string[], action: ParticipantAction): Promise<void>;
  /** The invite code (a new one when reset). */
  inviteCode(communityId: string, reset: boolean): Promise<string>;
  subGroups(communityId: string): Promise<CommunitySubGroup[] | undefined>;
  /** Creates a group inside the community; returns its JID. */
  createGroup(communityId: string, name: string, participants: string[]): Promise<string>;
  linkGroup(communityId: string, groupId: string): Promise<void>;
  unlinkGroup(communityId: string, groupId: string): Promise<void>;
}
