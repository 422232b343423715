import assert from "node:assert/strict";
import { test } from "node:test";
import { backoffDelay } from "../src/net/backoff.js";

test("retry delays double from the minimum, stop at the maximum, and are jittered down to half", () => {
  for (let i = 0; i < 200; i++) {
    const first = backoffDelay(1, 100, 10_000);
    assert.ok(first >= 50 && first <= 100, `first retry ${first}`);
    const fourth = backoffDelay(4, 100, 10_000);
    assert.ok(fourth >= 400 && fourth <= 800, `fourth retry ${fourth}`);
    const late = backoffDelay(50, 100, 10_000);
    assert.ok(late >= 5_000 && late <= 10_000, `capped ${late}`);
  }
});
