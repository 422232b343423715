// Chats, contacts, users and calls: WSAPI's documentation examples (wsapi-api.yml, as written there)
// and bodies with every field of its schemas parse with our schemas; phone numbers with or without `+`.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ChatListItem, phoneNumber } from "../src/instance-api.js";
import { refuses, request, response } from "./wsapi-examples.js";

// components.schemas.Identity's property examples.
const identity = { id: "1234567890@s.whatsapp.net", lid: "222424242@lid", phone: "1234567890", device: 2 };
// components.schemas.ChatListItem: its property examples (id, lid) and every other field.
const chat = {
  id: "1234567890@s.whatsapp.net",
  lid: "222424242@lid",
  isGroup: false,
  isArchived: false,
  isPinned: true,
  isMuted: true,
  muteEndTime: "2025-05-20T00:51:44.816Z",
  pushName: "Jane",
  businessName: "Jane's Shop",
  fullName: "Jane Doe",
  lastActivity: "2025-05-19T00:51:44.816Z",
};

describe("WSAPI's chat, contact and user examples", () => {
  it("requests a chat's messages as the example does, and answers WSAPI's 202 body", () => {
    // POST /chats/{chatId}/messages
    request("requestChatMessages", {
      lastMessageId: "3EB0A0B0C1D2E3F4",
      lastMessageSenderId: "1234567890",
      count: 50,
    });
    response("requestChatMessages", { status: "ok" });
  });

  it("sets privacy and checks users as the examples do", () => {
    // Set last seen to contacts only
    request("setPrivacySetting", { setting: "last", value: "contacts" });
    // Disable read receipts
    request("setPrivacySetting", { setting: "readreceipts", value: "none" });
    // POST /users/check
    request("bulkCheckUsers", { phones: ["1234567890", "9876543210"] });
  });

  it("takes phone numbers with or without `+` wherever WSAPI takes a phone number", () => {
    for (const phone of ["1234567890", "+1234567890"]) {
      assert.equal(phoneNumber.safeParse(phone).success, true, phone);
      request("bulkCheckUsers", { phones: [phone] });
      request("createContact", { id: phone, fullName: "Jane Doe" });
      request("requestChatMessages", { lastMessageId: "3EB0A0B0C1D2E3F4", lastMessageSenderId: phone });
    }
    request("createContact", { id: "1234567890@s.whatsapp.net", fullName: "Jane Doe", firstName: "Jane" });
    request("requestChatMessages", {
      lastMessageId: "3EB0A0B0C1D2E3F4",
      lastMessageSenderId: "1234567890@s.whatsapp.net",
    });
    // The path's pattern in WSAPI: ^\+?\d{7,15}$
    for (const bad of ["123456", "++1234567890", "1234567890123456", "12 34 56 78"])
      assert.equal(phoneNumber.safeParse(bad).success, false, bad);
    refuses("bulkCheckUsers", { phones: ["+12"] }, "phones");
  });

  it("takes every field of WSAPI's chat and user requests", () => {
    request("setChatPresence", { state: "recording" });
    request("setChatEphemeral", { expiration: "90d" });
    request("muteChat", { duration: "8h" });
    request("pinChat", { pinned: false });
    request("archiveChat", { archived: true });
    request("markChatAsRead", { read: true });
    request("updateMyProfile", { name: "Jane", status: "Busy", picture: "/9j/4AAQSkZJRgABAQ" });
    request("setPresence", { presence: "unavailable" });
    request("rejectCall", { callerId: "1234567890@s.whatsapp.net" });
  });

  it("answers chats with every field of WSAPI's ChatListItem", () => {
    response("listChats", [chat]);
    response("getChatInfo", chat);
    // Its times are date-times.
    assert.equal(ChatListItem.safeParse({ ...chat, lastActivity: "1747615904" }).success, false);
    response("getChatPicture", {
      pictureId: "1747615904",
      pictureUrl: "https://pps.whatsapp.net/v/t61/abc.jpg",
    });
    response("getChatBusinessProfile", {
      id: "1234567890@s.whatsapp.net",
      address: "1 Main St",
      email: "shop@example.com",
      description: "We sell things",
      website: "https://example.com",
      latitude: 51.5034,
      longitude: -0.1276,
      memberSince: "2020-01-01",
      categories: [{ id: "133436743388217", name: "Shopping" }],
      businessHours: [{ dayOfWeek: "mon", mode: "specific_hours", openTime: "09:00", closeTime: "17:00" }],
      businessHoursTimeZone: "Europe/London",
      profileOptions: { commerceExperience: "catalog" },
    });
  });

  it("answers contacts and users with every field of WSAPI's schemas", () => {
    const contact = {
      ...identity,
      fullName: "Jane Doe",
      firstName: "Jane",
      pushName: "Jane",
      businessName: "Jane's Shop",
      inPhoneAddressBook: true,
    };
    response("getContact", contact);
    response("listContacts", [contact]);
    response("getBlocklist", [identity]);
    response("getMyProfile", {
      ...identity,
      deviceId: 12,
      pushName: "Jane",
      businessName: "Jane's Shop",
      status: "Busy",
      pictureId: "1747615904",
      isVerified: false,
    });
    response("getUserProfile", {
      ...identity,
      isInWhatsApp: true,
      status: "Busy",
      pictureId: "1747615904",
      pictureUrl: "https://pps.whatsapp.net/v/t61/abc.jpg",
      isVerified: true,
    });
    response("checkUser", { isInWhatsApp: true });
    response("bulkCheckUsers", [
      { query: "1234567890", isInWhatsApp: true, jid: "1234567890@s.whatsapp.net" },
      { query: "9876543210", isInWhatsApp: false },
    ]);
    const privacy = {
      groupAdd: "contacts",
      lastSeen: "contacts",
      status: "all",
      profile: "all",
      readReceipts: "none",
      online: "match_last_seen",
      callAdd: "known",
    };
    response("getPrivacySettings", privacy);
    response("setPrivacySetting", privacy);
  });
});
