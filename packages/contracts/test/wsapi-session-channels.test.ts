// Session, newsletters and status: WSAPI's documentation examples (wsapi-api.yml, as written there)
// and bodies with every field of its schemas parse with our schemas.
import { describe, it } from "node:test";
import { refuses, request, response, withoutEllipsis } from "./wsapi-examples.js";

describe("WSAPI's session, newsletter and status examples", () => {
  it("answers session calls with WSAPI's bodies", () => {
    response("getPairCode", { code: "ABCD-EFGH" });
    response("getQRText", { code: "2@abc,def,ghi" });
    response("flushHistory", { status: "ok" });
    response("getSessionStatus", {
      isConnected: true,
      isLoggedIn: true,
      deviceId: "1234567890:12@s.whatsapp.net",
    });
    response("getSessionStatus", { isConnected: false, isLoggedIn: false });
  });

  it("manages newsletters as the examples do", () => {
    // POST /newsletters
    request("createNewsletter", { name: "My Newsletter", description: "Updates about cool stuff" });
    // Subscribe to newsletter
    request("setNewsletterSubscription", { subscribed: true });
    // Unsubscribe from newsletter
    request("setNewsletterSubscription", { subscribed: false });
    // Mute newsletter
    request("toggleMuteNewsletter", { mute: true });
    // Unmute newsletter
    request("toggleMuteNewsletter", { mute: false });
    request("createNewsletter", {
      name: "My Newsletter",
      description: "Updates",
      picture: "/9j/4AAQSkZJRgABAQ",
    });
    response("createNewsletter", { id: "01234567890123456" });
    const newsletter = {
      id: "120363000000000000@newsletter",
      name: "My Newsletter",
      description: "Updates about cool stuff",
      subscriberCount: 42,
      verificationState: "unverified",
      pictureUrl: "https://pps.whatsapp.net/v/t61/abc.jpg",
      inviteCode: "0029VaAbCdEf",
      role: "OWNER",
      mute: "OFF",
      state: "ACTIVE",
      createdAt: "2025-05-19T00:51:44.816Z",
    };
    response("getNewsletter", newsletter);
    response("getNewsletterByInviteCode", newsletter);
    response("listNewsletters", [newsletter]);
  });

  it("posts status as the examples do", () => {
    // POST /status/text
    request("postTextStatus", { text: "Hello from WSAPI!" });
    // Image status by URL
    request("postImageStatus", {
      url: "https://example.com/photo.jpg",
      mimeType: "image/jpeg",
      caption: "Beautiful sunset",
    });
    // Video status by URL
    request("postVideoStatus", {
      url: "https://example.com/clip.mp4",
      mimeType: "video/mp4",
      caption: "Check this out",
    });
    // Image status by base64
    const image = { data: "/9j/4AAQSkZJRgABAQ...", mimeType: "image/png" };
    // Video status by base64
    const video = { data: "AAAAGGZ0eXBtcDQy...", mimeType: "video/mp4" };
    request("postImageStatus", withoutEllipsis(image, "data"));
    request("postVideoStatus", withoutEllipsis(video, "data"));
    refuses("postImageStatus", image, "data");
    refuses("postVideoStatus", video, "data");
    // GET /status/privacy: its 200 example
    response("getStatusPrivacy", [{ type: "contacts", list: [], isDefault: true }]);
    response("getStatusPrivacy", [
      { type: "whitelist", list: ["1234567890@s.whatsapp.net"], isDefault: false },
    ]);
    response("postTextStatus", { id: "01234567890123456" });
  });
});
