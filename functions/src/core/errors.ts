// The error every layer throws and the problem body it becomes; the codes, statuses and titles are
// the contracts package's (@wsapi/contracts/problems).
import { ERROR_STATUS, ERROR_TITLES, type ErrorCode } from "@wsapi/contracts/problems";

export type { ErrorCode };

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId?: string;
}

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
  return {
    type: `https://wsapi.dev/problems/${error.code.toLowerCase().replaceAll("_", "-")}`,
    title: ERROR_TITLES[error.code],
    status: error.status,
    detail: error.detail,
    code: error.code,
    ...(requestId ? { requestId } : {}),
  };
}
