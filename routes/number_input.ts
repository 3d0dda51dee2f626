import { z } from "./zod.ts";

/**
 * An input number that may also be written as the string "NaN", "Infinity" or "-Infinity" (how
 * this service writes non-finite numbers in its answers, since JSON has no such numbers), so an
 * answer can be sent back as a request unchanged; parsed to a number.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { NumberInput } from "./number_input.ts";
 * assertEquals(NumberInput.parse("-Infinity"), -Infinity);
 * assertEquals(NumberInput.parse(3), 3);
 * assertEquals(NumberInput.safeParse("3").success, false); // a number in a string is not one
 * ```
 */
export const NumberInput = z.union([
  z.number(),
  z.enum(["NaN", "Infinity", "-Infinity"]),
]).transform((v) => typeof v === "number" ? v : Number(v)).openapi("NumberInput", {
  description: 'A number; non-finite values may be written as "NaN", "Infinity", "-Infinity".',
});
