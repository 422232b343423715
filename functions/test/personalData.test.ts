import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { maskPersonalData } from "@wsapi/contracts/personal-data";
import { createLogs } from "../../instance/src/logs.js";
import { createLogger } from "../src/core/logs.js";

// No phone number or JID reaches a log line, from the control plane or from an instance.
const PHONE = "15551234567";
const IDENTIFIERS = [
  `${PHONE}@s.whatsapp.net`,
  `${PHONE}:12@s.whatsapp.net`,
  `${PHONE}-1700000000@g.us`,
  "120363025246125486@g.us",
  "98765432101234@lid",
  `+${PHONE}`,
  PHONE,
];

describe("phone numbers and JIDs are masked in logs", () => {
  it("masks every identifier shape, wherever it sits in a string", () => {
    for (const id of IDENTIFIERS) {
      for (const text of [id, `/v1/instances/x/session/pair-code/${id}`, `peer ${id} closed`]) {
        const masked = maskPersonalData(text);
        assert.ok(!/\d{7}/.test(masked), `${text} → ${masked}`);
      }
    }
  });

  it("leaves ids, times, ports and small numbers alone", () => {
    const kept = [
      "evt_1700000000000_0123456789abcdef",
      "dlv_0123456789012345678901234567890123456789",
      "wi0123456789abcdef0123",
      "2026-11-26T10:11:12.123Z",
      "http://127.0.0.1:5001/demo-wsapi/europe-west1/api",
      "12345678-9abc-4def-8123-456789abcdef",
      "attempt 3 after 5000 ms",
    ];
    for (const text of kept) assert.equal(maskPersonalData(text), text);
  });

  it("the functions' logger and the instance's logs both apply it to every field", () => {
    const lines: string[] = [];
    createLogger((line) => lines.push(line)).event("INFO", "request.failed", {
      path: `/chats/${PHONE}@s.whatsapp.net/presence`,
      nested: { errorMessage: `no such user +${PHONE}` },
    });
    const logs = createLogs({ instanceId: "wi01" }, (line) => lines.push(line));
    logs.pairingSucceeded();
    logs.transportWarning(`stream error from ${PHONE}:3@s.whatsapp.net`);
    logs.loggedOut(`replaced by ${PHONE}`);
    logs.requestFailed("GET", `/session/pair-code/${PHONE}`, "Error");
    assert.equal(lines.length, 5);
    for (const line of lines) assert.ok(!line.includes(PHONE.slice(1)), line);
  });
});
