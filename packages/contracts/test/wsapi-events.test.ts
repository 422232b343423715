// Events: WSAPI's documentation examples (wsapi-events.yml, as written there) parse with our event
// data schemas, every field kept, and as our envelope once the event id has our format.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EVENT_DATA_SCHEMAS, EVENT_ID_PATTERN, EventEnvelope, type EventType } from "../src/events.js";
import { accepts } from "./wsapi-examples.js";

type Example = {
  eventId: string;
  instanceId: string;
  receivedAt: string;
  eventType: string;
  eventData: unknown;
};

const EXAMPLES: Example[] = [
  // Call offer event
  {
    eventId: "evt_a1b2c3d4e5f67890",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "call_offer",
    eventData: {
      id: "call_123",
      caller: { id: "1234567890@s.whatsapp.net", lid: "12345678901234@lid", phone: "1234567890" },
      chatId: "1234567890@s.whatsapp.net",
      isGroup: false,
      time: "2025-05-19T00:51:44.816Z",
      isVideo: true,
    },
  },
  // Call terminate event
  {
    eventId: "evt_b2c3d4e5f6789012",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "call_terminate",
    eventData: {
      id: "call_123",
      caller: { id: "1234567890@s.whatsapp.net", lid: "12345678901234@lid", phone: "1234567890" },
      time: "2025-05-19T00:51:44.816Z",
      reason: "ended",
    },
  },
  // Call accept event
  {
    eventId: "evt_c3d4e5f678901234",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "call_accept",
    eventData: {
      id: "call_123",
      caller: { id: "1234567890@s.whatsapp.net", lid: "12345678901234@lid", phone: "1234567890" },
      time: "2025-05-19T00:51:44.816Z",
    },
  },
  // Chat muted
  {
    eventId: "evt_d4e5f67890123456",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "chat_setting",
    eventData: {
      id: "1234567890@s.whatsapp.net",
      settingType: "mute",
      mute: { isMuted: true, muteEndTime: "2025-05-20T00:51:44.816Z" },
    },
  },
  // Chat pinned
  {
    eventId: "evt_e5f6789012345678",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "chat_setting",
    eventData: { id: "1234567890@s.whatsapp.net", settingType: "pin", pin: { isPinned: true } },
  },
  // Chat marked as read
  {
    eventId: "evt_f678901234567890",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "chat_setting",
    eventData: { id: "1234567890@s.whatsapp.net", settingType: "read", read: { isRead: true } },
  },
  // Chat archived
  {
    eventId: "evt_0123456789abcdef",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "chat_setting",
    eventData: { id: "1234567890@s.whatsapp.net", settingType: "archive", archive: { isArchived: true } },
  },
  // Ephemeral messages enabled
  {
    eventId: "evt_1234567890abcdef",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "chat_setting",
    eventData: {
      id: "1234567890@s.whatsapp.net",
      settingType: "ephemeral",
      ephemeral: {
        expiration: "7d",
        sender: {
          id: "1234567890@s.whatsapp.net",
          lid: "12345678901234@lid",
          phone: "1234567890",
          isMe: false,
        },
      },
    },
  },
  // Chat presence event
  {
    eventId: "evt_2345678901abcdef",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "chat_presence",
    eventData: {
      id: "1234567890@s.whatsapp.net",
      sender: {
        id: "1234567890@s.whatsapp.net",
        lid: "12345678901234@lid",
        phone: "1234567890",
        isMe: false,
      },
      state: "typing",
    },
  },
  // Chat push name event
  {
    eventId: "evt_3456789012abcdef",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "chat_push_name",
    eventData: {
      user: { id: "1234567890@s.whatsapp.net", lid: "12345678901234@lid", phone: "1234567890" },
      pushName: "John Doe",
    },
  },
  // Chat status event
  {
    eventId: "evt_4567890123abcdef",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "chat_status",
    eventData: {
      user: { id: "1234567890@s.whatsapp.net", lid: "12345678901234@lid", phone: "1234567890" },
      status: "Available",
    },
  },
  // Chat picture event
  {
    eventId: "evt_5678901234abcdef",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "chat_picture",
    eventData: {
      id: "1234567890@s.whatsapp.net",
      sender: {
        id: "1234567890@s.whatsapp.net",
        lid: "12345678901234@lid",
        phone: "1234567890",
        isMe: false,
      },
      pictureId: "picture_123",
    },
  },
  // Contact event
  {
    eventId: "evt_6789012345abcdef",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "contact",
    eventData: {
      contact: { id: "1234567890@s.whatsapp.net", lid: "12345678901234@lid", phone: "1234567890" },
      fullName: "John Doe",
      inPhoneAddressBook: true,
    },
  },
  // Group topic/description changed
  {
    eventId: "evt_7890123456abcdef",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "group",
    eventData: {
      id: "1234567890-1234567890@g.us",
      sender: {
        id: "1234567890@s.whatsapp.net",
        lid: "12345678901234@lid",
        phone: "1234567890",
        isMe: false,
      },
      description: { topic: "New Group Description" },
      timestamp: "2025-05-19T00:51:44.816Z",
    },
  },
  // Group name changed
  {
    eventId: "evt_890123456789abcd",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "group",
    eventData: {
      id: "1234567890-1234567890@g.us",
      sender: {
        id: "1234567890@s.whatsapp.net",
        lid: "12345678901234@lid",
        phone: "1234567890",
        isMe: false,
      },
      name: { name: "New Group Name" },
      timestamp: "2025-05-19T00:51:44.816Z",
    },
  },
  // Members joined the group
  {
    eventId: "evt_90123456789abcde",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "group",
    eventData: {
      id: "1234567890-1234567890@g.us",
      sender: {
        id: "1234567890@s.whatsapp.net",
        lid: "12345678901234@lid",
        phone: "1234567890",
        isMe: false,
      },
      join: [
        { id: "9876543210@s.whatsapp.net", lid: "98765432101234@lid", phone: "9876543210" },
        { id: "5551234567@s.whatsapp.net", lid: "55512345671234@lid", phone: "5551234567" },
      ],
    },
  },
  // Members left the group
  {
    eventId: "evt_0123456789abcde0",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "group",
    eventData: {
      id: "1234567890-1234567890@g.us",
      sender: {
        id: "9876543210@s.whatsapp.net",
        lid: "98765432101234@lid",
        phone: "9876543210",
        isMe: false,
      },
      leave: [{ id: "9876543210@s.whatsapp.net", lid: "98765432101234@lid", phone: "9876543210" }],
    },
  },
  // Members promoted to admin
  {
    eventId: "evt_abcdef0123456789",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "group",
    eventData: {
      id: "1234567890-1234567890@g.us",
      sender: {
        id: "1234567890@s.whatsapp.net",
        lid: "12345678901234@lid",
        phone: "1234567890",
        isMe: false,
      },
      promote: [{ id: "9876543210@s.whatsapp.net", lid: "98765432101234@lid", phone: "9876543210" }],
      timestamp: "2025-05-19T00:51:44.816Z",
    },
  },
  // Joined a community
  {
    eventId: "evt_bcdef01234567890",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "group",
    eventData: {
      id: "1234567890-1234567890@g.us",
      sender: {
        id: "1234567890@s.whatsapp.net",
        lid: "12345678901234@lid",
        phone: "1234567890",
        isMe: false,
      },
      isCommunity: true,
      joinReason: "invite",
      join: [{ id: "1111111111@s.whatsapp.net", lid: "11111111111234@lid", phone: "1111111111" }],
    },
  },
  // Joined a group inside a community
  {
    eventId: "evt_cdef012345678901",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "group",
    eventData: {
      id: "9876543210-9876543210@g.us",
      sender: {
        id: "1234567890@s.whatsapp.net",
        lid: "12345678901234@lid",
        phone: "1234567890",
        isMe: false,
      },
      communityId: "1234567890-1234567890@g.us",
      isAnnouncementGroup: false,
      joinReason: "invite",
      join: [{ id: "1111111111@s.whatsapp.net", lid: "11111111111234@lid", phone: "1111111111" }],
    },
  },
  // Group linked to a community
  {
    eventId: "evt_def0123456789012",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "group",
    eventData: {
      id: "1234567890-1234567890@g.us",
      sender: {
        id: "1234567890@s.whatsapp.net",
        lid: "12345678901234@lid",
        phone: "1234567890",
        isMe: false,
      },
      link: {
        type: "sub_group",
        groupId: "9876543210-9876543210@g.us",
        groupName: "New Subgroup",
        isAnnouncementGroup: false,
      },
      timestamp: "2025-05-19T00:51:44.816Z",
    },
  },
  // Joined a newsletter
  {
    eventId: "evt_a1b2c3d4e5f67890",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "newsletter",
    eventData: { id: "1234567890@newsletter", action: "join", name: "My Channel", role: "SUBSCRIBER" },
  },
  // Left a newsletter
  {
    eventId: "evt_b2c3d4e5f6789012",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "newsletter",
    eventData: { id: "1234567890@newsletter", action: "leave", role: "SUBSCRIBER" },
  },
  // Newsletter mute setting changed
  {
    eventId: "evt_c3d4e5f678901234",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "newsletter",
    eventData: { id: "1234567890@newsletter", action: "mute", mute: "MUTED" },
  },
  // Text message
  {
    eventId: "evt_ef01234567890123",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "message",
    eventData: {
      id: "0123456789012345",
      time: "2025-05-19T00:51:44.816Z",
      chatId: "1234567890@s.whatsapp.net",
      sender: {
        id: "1234567890@s.whatsapp.net",
        lid: "12345678901234@lid",
        phone: "1234567890",
        isMe: false,
      },
      isGroup: false,
      isStatus: false,
      type: "text",
      text: "Hello, world!",
    },
  },
  // Media message (image)
  {
    eventId: "evt_f012345678901234",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "message",
    eventData: {
      id: "0123456789012346",
      time: "2025-05-19T00:51:45.000Z",
      chatId: "1234567890@s.whatsapp.net",
      sender: {
        id: "1234567890@s.whatsapp.net",
        lid: "12345678901234@lid",
        phone: "1234567890",
        isMe: false,
      },
      isGroup: false,
      isStatus: false,
      type: "media",
      media: {
        mediaType: "image",
        mimeType: "image/jpeg",
        id: "H4sIAAAAAAAA_2L8xXCDQUFBgYuBlYORjQEEMkp...",
        fileLength: 204800,
        caption: "Check this out",
        height: 1080,
        width: 1920,
        jpegThumbnail: "iVBORw0KGgoAAAANSUhEUgAA...",
      },
    },
  },
  // Media message (audio)
  {
    eventId: "evt_0123456789012345",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "message",
    eventData: {
      id: "0123456789012347",
      time: "2025-05-19T00:51:46.000Z",
      chatId: "1234567890@s.whatsapp.net",
      sender: {
        id: "1234567890@s.whatsapp.net",
        lid: "12345678901234@lid",
        phone: "1234567890",
        isMe: false,
      },
      isGroup: false,
      isStatus: false,
      type: "media",
      media: {
        mediaType: "audio",
        mimeType: "audio/mpeg",
        id: "H4sIAAAAAAAA_2L8xXCDQUFBgYuBlYORjQEEMkp",
        fileLength: 512000,
        duration: 12,
      },
    },
  },
  // Reaction to a message
  {
    eventId: "evt_1234567890123456",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "message",
    eventData: {
      id: "0123456789012348",
      time: "2025-05-19T00:51:47.000Z",
      chatId: "1234567890@s.whatsapp.net",
      sender: {
        id: "1234567890@s.whatsapp.net",
        lid: "12345678901234@lid",
        phone: "1234567890",
        isMe: false,
      },
      isGroup: false,
      isStatus: false,
      type: "reaction",
      reaction: { messageId: "0123456789012345", emoji: "👍" },
    },
  },
  // Single contact vCard
  {
    eventId: "evt_2345678901234567",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "message",
    eventData: {
      id: "0123456789012349",
      time: "2025-05-19T00:51:48.000Z",
      chatId: "1234567890@s.whatsapp.net",
      sender: {
        id: "1234567890@s.whatsapp.net",
        lid: "12345678901234@lid",
        phone: "1234567890",
        isMe: false,
      },
      isGroup: false,
      isStatus: false,
      type: "contact",
      contact:
        "BEGIN:VCARD\nVERSION:3.0\nN:Doe;Jane;;;\nFN:Jane Doe\nTEL;TYPE=CELL:+19876543210\nEND:VCARD\n",
    },
  },
  // Pin/unpin a message in chat
  {
    eventId: "evt_3456789012345678",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "message",
    eventData: {
      id: "0123456789012350",
      time: "2025-05-19T00:51:49.000Z",
      chatId: "1234567890@s.whatsapp.net",
      sender: {
        id: "1234567890@s.whatsapp.net",
        lid: "12345678901234@lid",
        phone: "1234567890",
        isMe: false,
      },
      isGroup: false,
      isStatus: false,
      type: "pinInChat",
      pin: { pinned: true, messageId: "0123456789012346", expiration: "24h" },
    },
  },
  // Message read event
  {
    eventId: "evt_4567890123456789",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "message_read",
    eventData: {
      chatId: "1234567890@s.whatsapp.net",
      sender: {
        id: "1234567890@s.whatsapp.net",
        lid: "12345678901234@lid",
        phone: "1234567890",
        isMe: false,
      },
      messageSender: {
        id: "9876543210@s.whatsapp.net",
        lid: "98765432101234@lid",
        phone: "9876543210",
        isMe: true,
      },
      isGroup: false,
      messageIds: ["0123456789012345"],
      time: "2025-05-19T00:51:44.816Z",
      receiptType: "read",
    },
  },
  // Message delete event
  {
    eventId: "evt_5678901234567890",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "message_delete",
    eventData: {
      id: "0123456789012345",
      sender: {
        id: "1234567890@s.whatsapp.net",
        lid: "12345678901234@lid",
        phone: "1234567890",
        isMe: false,
      },
      chatId: "1234567890@s.whatsapp.net",
      time: "2025-05-19T00:51:44.816Z",
      isDeletedForAll: true,
      isDeletedForMe: false,
      isStatus: false,
    },
  },
  // Message star event
  {
    eventId: "evt_6789012345678901",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "message_star",
    eventData: {
      id: "0123456789012345",
      chatId: "1234567890@s.whatsapp.net",
      sender: {
        id: "1234567890@s.whatsapp.net",
        lid: "12345678901234@lid",
        phone: "1234567890",
        isMe: false,
      },
      time: "2025-05-19T00:51:44.816Z",
      isStarred: true,
    },
  },
  // Message history sync event
  {
    eventId: "evt_7890123456789012",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "message_history_sync",
    eventData: {
      chatId: "1234567890@s.whatsapp.net",
      messages: [
        {
          id: "0123456789012345",
          time: "2025-05-19T00:51:44.816Z",
          chatId: "1234567890@s.whatsapp.net",
          sender: {
            id: "1234567890@s.whatsapp.net",
            lid: "12345678901234@lid",
            phone: "1234567890",
            isMe: false,
          },
          isGroup: false,
          isStatus: false,
          type: "text",
          text: "Hello, world!",
        },
      ],
    },
  },
  // Logged in event
  {
    eventId: "evt_8901234567890123",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "logged_in",
    eventData: { deviceId: "1234567890:12@s.whatsapp.net" },
  },
  // Logged out event
  {
    eventId: "evt_9012345678901234",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "logged_out",
    eventData: { reason: "user_logged_out" },
  },
  // Login error event
  {
    eventId: "evt_0123456789012345",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "login_error",
    eventData: { id: "1234567890:12@s.whatsapp.net", error: "connection timeout: failed to pair device" },
  },
  // Initial sync finished event
  {
    eventId: "evt_abcdef1234567890",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "initial_sync_finished",
    eventData: {},
  },
  // User presence event
  {
    eventId: "evt_bcdef01234567890",
    instanceId: "ins_ABCdefGHIjk",
    receivedAt: "2025-05-19T00:51:44.816Z",
    eventType: "user_presence",
    eventData: {
      user: { id: "1234567890@s.whatsapp.net", lid: "12345678901234@lid", phone: "1234567890" },
      status: "available",
      lastSeen: "2025-05-19T00:51:44.816Z",
    },
  },
];

describe("WSAPI's event examples", () => {
  it("cover all 21 event types", () => {
    const types = new Set(EXAMPLES.map((example) => example.eventType));
    assert.equal(types.size, 21);
    for (const type of types) assert.ok(type in EVENT_DATA_SCHEMAS, type);
  });

  it("parse with our data schema of their type, every field kept as it is", () => {
    for (const example of EXAMPLES) {
      const schema = EVENT_DATA_SCHEMAS[example.eventType as EventType];
      const where = `${example.eventType} ${example.eventId}`;
      assert.deepEqual(accepts(schema, example.eventData, where), example.eventData, where);
    }
  });

  it("parse as our envelope; our event ids (evt_<unix ms>_<16 hex>) are longer than WSAPI's example ids", () => {
    for (const [i, example] of EXAMPLES.entries()) {
      assert.equal(EVENT_ID_PATTERN.test(example.eventId), false, example.eventId);
      const eventId = `evt_1747615904816_${i.toString(16).padStart(16, "0")}`;
      const result = EventEnvelope.safeParse({ ...example, eventId });
      assert.ok(result.success, `${example.eventType}: ${JSON.stringify(result.error?.issues)}`);
    }
  });

  it("carry a click-to-WhatsApp ad referral with every field of WSAPI's AdReferral", () => {
    const adReferral = {
      ctwaClid: "ARAkLkA8rmlFeiCktEJQ",
      sourceType: "ad",
      sourceId: "120210000000000000",
      sourceUrl: "https://fb.me/abc",
      sourceApp: "facebook",
      title: "Spring sale",
      body: "Chat with us",
      mediaType: "image",
      thumbnailUrl: "https://scontent.xx.fbcdn.net/abc.jpg",
      conversionSource: "FB_Ads",
      showAdAttribution: true,
    };
    const message = EXAMPLES.find((example) => example.eventType === "message")!;
    const eventData = { ...(message.eventData as object), adReferral };
    assert.deepEqual(accepts(EVENT_DATA_SCHEMAS.message, eventData), eventData);
    const history = { chatId: "1234567890@s.whatsapp.net", messages: [eventData] };
    assert.deepEqual(accepts(EVENT_DATA_SCHEMAS.message_history_sync, history), history);
  });
});
