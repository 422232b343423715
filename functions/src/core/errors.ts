// The error every layer throws and the problem body it becomes; the codes, statuses, titles and the
// body's shape are the contracts package's (@wsapi/contracts/problems), shared with the instance.
import { ERROR_STATUS, type ErrorCode, type Problem, problemBody } from "@wsapi/contracts/problems";

export type { ErrorCode, Problem };

/** An error that is safe to show to the caller: its detail never carries secrets. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "ApiError";
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function toProblem(error: ApiError, requestId?: string): Problem {
  return problemBody(error.code, error.detail, requestId);
}
