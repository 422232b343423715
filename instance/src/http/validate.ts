import type { Context } from "hono";
import type { z } from "zod";
import { ProblemError } from "./problem.js";

const MAX_REPORTED_ISSUES = 5;

/** Reads the JSON body and validates it; any failure is a 400 whose detail names the fields. */
export async function readJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ProblemError("BAD_REQUEST", "request body must be a JSON object");
  }
  return validate(schema, body, "body");
}

/** Validates a path or query parameter (the router has already percent-decoded it). */
export function readParam<S extends z.ZodType>(
  schema: S,
  value: string | undefined,
  name: string,
): z.output<S> {
  return validate(schema, value, name);
}

function validate<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join(".") : where;
    return `${field}: ${issue.message}`;
  });
  throw new ProblemError("VALIDATION", issues.join("; "));
}
