// What Baileys is asked to send for a media message: view-once where WSAPI's examples use it (image,
// video, audio and voice), never on a document or sticker.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MediaKind } from "@wsapi/contracts/instance-api";
import { messageContent } from "../src/transport/baileys-send.js";

const media = (mediaType: MediaKind, viewOnce?: boolean) =>
  messageContent(
    {
      kind: "media",
      mediaType,
      bytes: Buffer.from("media"),
      mimeType: "application/octet-stream",
      ...(mediaType === "document" ? { filename: "a.pdf" } : {}),
      ...(viewOnce === undefined ? {} : { viewOnce }),
    },
    {},
  ) as Record<string, unknown>;

describe("Baileys media content", () => {
  it("sends image, video, audio and voice as view-once when asked, and only then", () => {
    for (const kind of ["image", "video", "audio", "voice"] as const) {
      assert.equal(media(kind, true).viewOnce, true, kind);
      assert.equal("viewOnce" in media(kind, false), false, kind);
      assert.equal("viewOnce" in media(kind), false, kind);
    }
    assert.equal(media("voice", true).ptt, true);
    assert.equal(media("audio", true).ptt, false);
  });

  it("never sends a document or a sticker as view-once (WhatsApp has neither)", () => {
    for (const kind of ["document", "sticker"] as const)
      assert.equal("viewOnce" in media(kind, true), false, kind);
  });
});
