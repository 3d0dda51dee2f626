/**
 * The floating-point format emulator: formats, rounding, units in the last place.
 *
 * @module
 */
export * from "./formats.ts";
export * from "./binary_exponent.ts";
export * from "./round_binary.ts";
export * from "./float16.ts";
export * from "./round.ts";
export * from "./ulp.ts";
export * from "./convert.ts";
