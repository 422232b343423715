// Helpers of the wsapi-*.test.ts files: WSAPI's documentation examples, written into the tests as
// the documentation gives them, must parse with the schema of the operation's route table entry and
// keep every field (zod drops unknown keys silently, so parsing alone would not notice a field we lack).
import assert from "node:assert/strict";
import type { z } from "zod";
import { INSTANCE_OPERATIONS, type OperationId } from "../src/routes.js";

/** Every field of `sent` is in `parsed` with the same value (defaults may add fields). */
export function assertKept(sent: unknown, parsed: unknown, where = "body"): void {
  if (sent === null || typeof sent !== "object") {
    assert.deepEqual(parsed, sent, where);
    return;
  }
  assert.equal(typeof parsed, "object", where);
  if (Array.isArray(sent)) {
    assert.ok(Array.isArray(parsed), where);
    assert.equal(parsed.length, sent.length, where);
    for (const [i, item] of sent.entries()) assertKept(item, parsed[i], `${where}[${i}]`);
    return;
  }
  for (const [key, value] of Object.entries(sent)) {
    assert.ok(key in (parsed as object), `${where}.${key} was dropped`);
    assertKept(value, (parsed as Record<string, unknown>)[key], `${where}.${key}`);
  }
}

/** Parses `value` with `schema` and checks nothing was dropped; returns the parsed value. */
export function accepts<T extends z.ZodType>(schema: T, value: unknown, where = "body"): z.output<T> {
  const result = schema.safeParse(value);
  assert.ok(result.success, `${where}: ${JSON.stringify(result.error?.issues)}`);
  assertKept(value, result.data, where);
  return result.data;
}

/** The request body schema of an operation accepts a documented example, keeping every field. */
export function request(operationId: OperationId, body: unknown) {
  const schema = INSTANCE_OPERATIONS[operationId].request as z.ZodType | undefined;
  assert.ok(schema, `${operationId} takes no body`);
  return accepts(schema, body, operationId);
}

/** The request body schema refuses `body`, naming `field` in the issue. */
export function refuses(operationId: OperationId, body: unknown, field: string) {
  const schema = INSTANCE_OPERATIONS[operationId].request as z.ZodType | undefined;
  assert.ok(schema, `${operationId} takes no body`);
  const result = schema.safeParse(body);
  assert.equal(result.success, false, `${operationId} accepted ${JSON.stringify(body)}`);
  assert.ok(
    result.error?.issues.some((issue) => issue.path[0] === field),
    `${operationId}: ${JSON.stringify(result.error?.issues)}`,
  );
}

/** The response schema of an operation takes a body WSAPI documents, exactly as it is. */
export function response(operationId: OperationId, body: unknown) {
  const schema = INSTANCE_OPERATIONS[operationId].response;
  assert.ok(schema && !("binary" in schema), `${operationId} answers no JSON`);
  const parsed = accepts(schema as z.ZodType, body, operationId);
  assert.deepEqual(parsed, body, operationId);
}

/**
 * WSAPI's examples elide long base64 with a trailing "..." (not base64, so refused as it is, as WSAPI's
 * decoder would): the example with the ellipsis removed.
 */
export const withoutEllipsis = <T extends Record<string, unknown>>(
  example: T,
  field: keyof T & string,
): T => ({
  ...example,
  [field]: String(example[field]).replace(/\.\.\.$/, ""),
});
