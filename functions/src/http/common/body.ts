import type { Context } from "hono";
import type { z } from "zod";
import { ApiError } from "../../core/errors.js";

const SMALL_BODY_BYTES = 64 * 1024;

/** Names the first offending field, e.g. "password: Too small", never echoing its value. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "body"}: ${issue.message}`)
    .join("; ");
}

/** Reads a JSON body within a byte cap and validates it; every failure is a 4xx problem. */
export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S, maxBytes = SMALL_BODY_BYTES) {
  const contentType = c.req.header("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.");
  }
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > maxBytes) throw new ApiError("PAYLOAD_TOO_LARGE", `The body exceeds ${maxBytes} bytes.`);
  const raw = await c.req.arrayBuffer();
  if (raw.byteLength > maxBytes)
    throw new ApiError("PAYLOAD_TOO_LARGE", `The body exceeds ${maxBytes} bytes.`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
  } catch {
    throw new ApiError("BAD_REQUEST", "The body is not valid JSON.");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError("VALIDATION", describeIssues(parsed.error));
  return parsed.data as z.infer<S>;
}
