/**
 * Validation that stops early (routes/validation.ts): one issue per bad field, each at its
 * field's first bad element, with messages that name the type expected and the value found.
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { z } from "@hono/zod-openapi";
import { logsumexp } from "../routes/logsumexp.ts";
import { tool as spikes } from "../routes/spikes.ts";
import { validate } from "../routes/validation.ts";

Deno.test("validation stops at the first bad element: zod visits no element after it", () => {
  let visited = 0;
  const counted = z.custom<number>((v) => {
    visited++;
    return typeof v === "number";
  });
  const schema = z.object({ x: z.array(counted), y: z.string() });
  const bad = Array.from({ length: 100_000 }, () => true);
  const result = validate(schema, { x: bad, y: 5 });
  assertEquals(result.success, false);
  // Once in the whole-body pass, once in the pass over the field `x`: 2 of 100 000.
  assertEquals(visited, 2);
  if (!result.success) {
    assertEquals(result.issues.map((i) => i.path), [["x", 0], ["y"]]);
  }
});

Deno.test("10⁶ bad numbers in /v1/logsumexp's x make one issue, not 10⁶", () => {
  const result = validate(logsumexp.input, {
    format: "fp16",
    x: Array.from({ length: 1_000_000 }, () => true),
  });
  assertEquals(result.success, false);
  if (result.success) return;
  assertEquals(result.issues.length, 1);
  assertEquals(result.issues[0].path, ["x", 0]);
  // The union of a vector and a matrix, and of a number and the words: every branch named.
  assertEquals(
    result.issues[0].message,
    'expected a number, or one of "NaN", "Infinity", "-Infinity", or an array; found boolean true',
  );
});

Deno.test("each bad field is listed once, nested objects by their own fields", () => {
  const result = validate(spikes.input, { loss: [1, "x"], steps: [true], log_every: 0 });
  assertEquals(result.success, false);
  if (result.success) return;
  assertEquals(result.issues.map((i) => i.path.join("/")), ["log_every", "loss/1", "steps/0"]);
  assertStringIncludes(result.issues[1].message, 'found string "x"');
  assertStringIncludes(result.issues[2].message, "expected a number; found boolean true");
});

Deno.test("a valid body is parsed once and returned with its transforms", () => {
  const result = validate(logsumexp.input, { format: "fp16", x: [1, "NaN", "-Infinity"] });
  assertEquals(result.success, true);
  if (result.success) assertEquals(result.data.x, [1, NaN, -Infinity]);
});
