// Status updates through the simulated network (the simulator transport's part of status-port.ts).
import { StatusPrivacy } from "@wsapi/contracts/status-api";
import { z } from "zod";
import type { SimulatorConnection } from "./simulator-connection.js";
import type { StatusOperations } from "./status-port.js";

export function simulatorStatus(network: SimulatorConnection): StatusOperations {
  return {
    privacy: () => network.call("statusPrivacy", {}, z.array(StatusPrivacy)),
    post: (content) =>
      network.call(
        "postStatus",
        {
          content:
            content.kind === "text"
              ? content
              : {
                  kind: "media",
                  mediaType: content.mediaType,
                  data: content.bytes.toString("base64"),
                  mimeType: content.mimeType,
                  ...(content.caption !== undefined ? { caption: content.caption } : {}),
                },
        },
        z.string(),
      ),
    revoke: async (messageId) => void (await network.call("revokeStatus", { messageId }, z.unknown())),
  };
}
