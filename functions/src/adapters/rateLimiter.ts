import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { RateLimiter } from "../http/api/deps.js";

// Per-server token buckets keyed by account, one limiter per plan rate. Cloud Armor enforces the
// global limit at the edge in production; this keeps each server honest on its own.
export function memoryRateLimiter(): RateLimiter {
  const limiters = new Map<number, RateLimiterMemory>();
  return async (accountId, requestsPerMinute) => {
    let limiter = limiters.get(requestsPerMinute);
    if (!limiter) {
      limiter = new RateLimiterMemory({ points: requestsPerMinute, duration: 60 });
      limiters.set(requestsPerMinute, limiter);
    }
    try {
      const result = await limiter.consume(accountId);
      return {
        allowed: true,
        limit: requestsPerMinute,
        remaining: result.remainingPoints,
        resetSeconds: Math.ceil(result.msBeforeNext / 1000),
      };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return {
        allowed: false,
        limit: requestsPerMinute,
        remaining: 0,
        resetSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
      };
    }
  };
}
