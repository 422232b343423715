// Messages: WSAPI's documentation examples (wsapi-api.yml, as written there) parse with our schemas
// and keep every field; media by URL and by base64 for every kind; WSAPI's Created/OK answers.
import { describe, it } from "node:test";
import type { MEDIA_KINDS } from "../src/instance-api.js";
import type { OperationId } from "../src/routes.js";
import { refuses, request, response, withoutEllipsis } from "./wsapi-examples.js";

const SEND_MEDIA: Record<(typeof MEDIA_KINDS)[number], OperationId> = {
  image: "sendImage",
  video: "sendVideo",
  audio: "sendAudio",
  voice: "sendVoice",
  document: "sendDocument",
  sticker: "sendSticker",
};

describe("WSAPI's message examples", () => {
  it("sends text as the examples do: plain, with a mention, as a reply to a device JID", () => {
    // Plain text message
    request("sendText", { to: "1234567890@s.whatsapp.net", text: "Hello world!" });
    // Text with user mention
    request("sendText", {
      to: "1234567890@g.us",
      text: "Hi @1234567890",
      mentions: ["1234567890@s.whatsapp.net"],
    });
    // Reply to a previous message
    request("sendText", {
      to: "1234567890@s.whatsapp.net",
      text: "On it!",
      replyTo: "01234567890123456",
      replyToSenderId: "1234567890:12@s.whatsapp.net",
    });
  });

  it("sends media by URL as the examples do", () => {
    // Image by URL
    request("sendImage", {
      to: "1234567890@s.whatsapp.net",
      url: "https://example.com/cat.jpg",
      mimeType: "image/jpeg",
      caption: "Cat pic",
    });
    // Video by URL with caption
    request("sendVideo", {
      to: "1234567890@s.whatsapp.net",
      url: "https://example.com/clip.mp4",
      mimeType: "video/mp4",
      caption: "Watch this",
    });
    // Audio by URL
    request("sendAudio", {
      to: "1234567890@s.whatsapp.net",
      url: "https://example.com/audio.mp3",
      mimeType: "audio/mpeg",
    });
    // Voice by URL
    request("sendVoice", { to: "1234567890@s.whatsapp.net", url: "https://example.com/ptt.ogg" });
    // Document by URL with caption
    request("sendDocument", {
      to: "1234567890@s.whatsapp.net",
      url: "https://example.com/report.pdf",
      filename: "report.pdf",
      caption: "Monthly report",
    });
    // Static sticker by URL
    request("sendSticker", {
      to: "1234567890@s.whatsapp.net",
      url: "https://example.com/sticker.webp",
      isAnimated: false,
    });
  });

  it("sends media by base64 as the examples do, once their elided data is base64", () => {
    const examples: Array<[OperationId, Record<string, unknown>, string]> = [
      // Image by base64 sent as view-once
      [
        "sendImage",
        {
          to: "1234567890@g.us",
          data: "/9j/4AAQSkZJRgABAQ...",
          mimeType: "image/png",
          caption: "One-time secret",
          viewOnce: true,
        },
        "data",
      ],
      // Video by base64 as view-once
      [
        "sendVideo",
        { to: "1234567890@g.us", data: "AAAAGGZ0eXBtcDQy...", mimeType: "video/mp4", viewOnce: true },
        "data",
      ],
      // Audio by base64 as view-once
      [
        "sendAudio",
        { to: "1234567890@g.us", data: "SUQzBAAAAAAAI1RTU0U...", mimeType: "audio/mp3", viewOnce: true },
        "data",
      ],
      // Voice by base64
      ["sendVoice", { to: "1234567890@g.us", data: "T2dnUwACAAAAAAAAAAA..." }, "data"],
      // Document by base64
      [
        "sendDocument",
        { to: "1234567890@g.us", data: "JVBERi0xLjQKJeLjz9M...", filename: "numbers.xlsx" },
        "data",
      ],
      // Animated sticker by base64
      ["sendSticker", { to: "1234567890@g.us", data: "UklGRiIAAABXRUJQVlA4...", isAnimated: true }, "data"],
      // Link with preview details
      [
        "sendLink",
        {
          to: "1234567890@g.us",
          text: "Interesting read",
          url: "https://example.com/blog/post-1",
          title: "A neat blog post",
          description: "This post explains things.",
          jpegThumbnail: "/9j/4AAQSkZJRgABAQ...",
        },
        "jpegThumbnail",
      ],
    ];
    for (const [operationId, example, field] of examples) {
      request(operationId, withoutEllipsis(example, field));
      refuses(operationId, example, field);
    }
  });

  it("takes every media kind by URL or by base64, exactly one of them", () => {
    const to = "1234567890@s.whatsapp.net";
    const extra = (kind: string) => (kind === "document" ? { filename: "a.bin" } : {});
    for (const [kind, operationId] of Object.entries(SEND_MEDIA)) {
      request(operationId, { to, url: "https://example.com/file", ...extra(kind) });
      request(operationId, { to, data: "SGVsbG8=", mimeType: "application/octet-stream", ...extra(kind) });
      refuses(operationId, { to, url: "https://example.com/file", data: "SGVsbG8=", ...extra(kind) }, "data");
      refuses(operationId, { to, ...extra(kind) }, "data");
    }
    for (const operationId of ["postImageStatus", "postVideoStatus"] as const) {
      request(operationId, { url: "https://example.com/file" });
      request(operationId, { data: "SGVsbG8=" });
      refuses(operationId, {}, "data");
    }
  });

  it("takes the document's viewOnce as WSAPI's document request (its media request) does", () => {
    request("sendDocument", {
      to: "1234567890@s.whatsapp.net",
      url: "https://example.com/a.pdf",
      filename: "a.pdf",
      viewOnce: true,
    });
  });

  it("sends contacts, locations and links as the examples do", () => {
    // Contact with display name
    request("sendContact", { to: "1234567890@s.whatsapp.net", displayName: "Jane Doe" });
    // Contact using vCard
    request("sendContact", {
      to: "1234567890@g.us",
      vcard: "BEGIN:VCARD\nVERSION:3.0\nN:Doe;Jane;;;\nFN:Jane Doe\nTEL;TYPE=CELL:+19876543210\nEND:VCARD",
    });
    // Basic location
    request("sendLocation", { to: "1234567890@s.whatsapp.net", latitude: 37.7749, longitude: -122.4194 });
    // Location with name and address
    request("sendLocation", {
      to: "1234567890@g.us",
      latitude: 51.5034,
      longitude: -0.1276,
      name: "Big Ben",
      address: "Westminster, London SW1A 0AA, UK",
      url: "https://maps.google.com/?q=Big+Ben",
    });
    // Minimal link
    request("sendLink", {
      to: "1234567890@s.whatsapp.net",
      text: "Check this link",
      url: "https://example.com/article",
    });
  });

  it("acts on messages as the examples do", () => {
    // React with thumbs up
    request("sendReaction", {
      to: "1234567890@s.whatsapp.net",
      senderId: "1234567890@s.whatsapp.net",
      reaction: "👍",
    });
    // React with heart in a group chat
    request("sendReaction", { to: "1234567890@g.us", senderId: "9876543210@s.whatsapp.net", reaction: "❤️" });
    // POST /messages/{messageId}/edit
    request("editMessage", { to: "1234567890@s.whatsapp.net", text: "Updated message" });
    // POST /messages/{messageId}/read
    request("markAsRead", {
      chatId: "1234567890@s.whatsapp.net",
      senderId: "1234567890@s.whatsapp.net",
      receiptType: "read",
    });
    // POST /messages/{messageId}/star
    request("starMessage", {
      chatId: "1234567890@s.whatsapp.net",
      senderId: "1234567890@s.whatsapp.net",
      starred: true,
    });
    // Pin a message
    request("pinMessage", {
      chatId: "1234567890@s.whatsapp.net",
      senderId: "1234567890@s.whatsapp.net",
      pinned: true,
      pinExpiration: "7d",
    });
    // Unpin a message
    request("pinMessage", {
      chatId: "1234567890@s.whatsapp.net",
      senderId: "1234567890@s.whatsapp.net",
      pinned: false,
    });
    // POST /messages/{messageId}/delete
    request("deleteMessage", { chatId: "1234567890@s.whatsapp.net", senderId: "1234567890@s.whatsapp.net" });
    // POST /messages/{messageId}/delete-for-me
    request("deleteMessageForMe", {
      chatId: "1234567890@s.whatsapp.net",
      senderId: "1234567890@s.whatsapp.net",
      isFromMe: true,
      timestamp: "2025-05-19T00:51:44.816Z",
    });
    // "Send an empty string as the reaction to remove a previous reaction."
    request("sendReaction", {
      to: "1234567890@s.whatsapp.net",
      senderId: "1234567890@s.whatsapp.net",
      reaction: "",
    });
  });

  it("answers sends with WSAPI's Created body and reactions and edits with its OK body", () => {
    // components.responses.Created.example
    for (const operationId of [
      ...Object.values(SEND_MEDIA),
      "sendText",
      "sendContact",
      "sendLocation",
      "sendLink",
    ] as const)
      response(operationId, { id: "01234567890123456" });
    // components.responses.OK.example
    for (const operationId of ["sendReaction", "editMessage"] as const)
      response(operationId, { id: "01234567890123456" });
  });

  it("refuses a location without coordinates (WSAPI would send 0, 0: our deliberate deviation)", () => {
    refuses("sendLocation", { to: "1234567890@s.whatsapp.net" }, "latitude");
    refuses("sendLocation", { to: "1234567890@s.whatsapp.net", latitude: 51.5 }, "longitude");
  });
});
