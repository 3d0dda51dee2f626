import { z } from "./zod.ts";

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) {
    return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>);
  }
  return value;
}

/**
 * Serialises `value` as JSON that keeps non-finite numbers: `NaN`, `Infinity` and `-Infinity`
 * become the strings `"NaN"`, `"Infinity"` and `"-Infinity"` (JSON has no such numbers, and
 * `JSON.stringify` would silently write `null`). Typed arrays are written as arrays. O(size).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { stringify } from "./json.ts";
 * assertEquals(
 *   stringify({ a: NaN, b: [Infinity, -Infinity, 1], c: new Float64Array([1, 2]) }),
 *   '{"a":"NaN","b":["Infinity","-Infinity",1],"c":[1,2]}',
 * );
 * ```
 */
export function stringify(value: unknown): string {
  return JSON.stringify(value, replacer);
}

/**
 * An `application/json` response (200 unless `status` says otherwise) whose non-finite numbers
 * are strings, as {@linkcode stringify} writes them.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { jsonResponse } from "./json.ts";
 * const res = jsonResponse({ x: NaN });
 * assertEquals(res.headers.get("content-type"), "application/json; charset=utf-8");
 * assertEquals(await res.text(), '{"x":"NaN"}');
 * ```
 */
export function jsonResponse(value: unknown, status = 200): Response {
  return new Response(stringify(value), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

/**
 * The schema of an answer's number that may also be written as `"NaN"`, `"Infinity"`,
 * `"-Infinity"` (how {@linkcode stringify} writes non-finite numbers); the contract's
 * `NumberOrNonFinite` component.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { NumberOrNonFinite } from "./json.ts";
 * assertEquals(NumberOrNonFinite.parse("Infinity"), "Infinity");
 * assertEquals(NumberOrNonFinite.safeParse("inf").success, false);
 * ```
 */
export const NumberOrNonFinite = z.union([
  z.number(),
  z.enum(["NaN", "Infinity", "-Infinity"]),
]).openapi("NumberOrNonFinite", {
  description: "A number; non-finite values are written as the strings NaN, Infinity, -Infinity.",
});
