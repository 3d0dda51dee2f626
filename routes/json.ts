/**
 * JSON answers that keep non-finite numbers: `NaN`, `Infinity` and `-Infinity` become the
 * strings `"NaN"`, `"Infinity"` and `"-Infinity"` (JSON has no such numbers, and
 * `JSON.stringify` would silently write `null`). Typed arrays are written as arrays.
 */
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

/** Serialises `value`, writing non-finite numbers as strings. */
export function stringify(value: unknown): string {
  return JSON.stringify(value, replacer);
}

/** A `200 application/json` response whose non-finite numbers are strings. */
export function jsonResponse(value: unknown, status = 200): Response {
  return new Response(stringify(value), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

/** OpenAPI schema of a number that may also be written as `"NaN"`, `"Infinity"`, `"-Infinity"`. */
export const NumberOrNonFinite = z.union([
  z.number(),
  z.enum(["NaN", "Infinity", "-Infinity"]),
]).openapi("NumberOrNonFinite", {
  description: "A number; non-finite values are written as the strings NaN, Infinity, -Infinity.",
});
