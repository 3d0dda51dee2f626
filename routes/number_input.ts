/**
 * An input number that may also be written as the string "NaN", "Infinity" or "-Infinity" (how
 * this service writes non-finite numbers in its answers, since JSON has no such numbers), so an
 * answer can be sent back as a request unchanged.
 */
import { z } from "./zod.ts";

/** A number, or one of the strings "NaN", "Infinity", "-Infinity"; parsed to a number. */
export const NumberInput = z.union([
  z.number(),
  z.enum(["NaN", "Infinity", "-Infinity"]),
]).transform((v) => typeof v === "number" ? v : Number(v)).openapi("NumberInput", {
  description: 'A number; non-finite values may be written as "NaN", "Infinity", "-Infinity".',
});
