const WORDS = new Map<string, number>([
  ["nan", NaN],
  ["inf", Infinity],
  ["+inf", Infinity],
  ["-inf", -Infinity],
  ["infinity", Infinity],
  ["+infinity", Infinity],
  ["-infinity", -Infinity],
]);

/**
 * The value of a word that spells NaN or ±Infinity (any case, quoted or not), else undefined.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { nonFiniteWord } from "./series_values.ts";
 * assertEquals([nonFiniteWord("NaN"), nonFiniteWord('"-inf"'), nonFiniteWord("nope")], [
 *   NaN, -Infinity, undefined,
 * ]);
 * ```
 */
export function nonFiniteWord(token: string): number | undefined {
  let word = token.trim();
  if (word.length > 11) return undefined; // "-infinity" quoted is the longest
  if (word.startsWith('"') && word.endsWith('"') && word.length >= 2) word = word.slice(1, -1);
  return WORDS.get(word.toLowerCase());
}

/**
 * The number a decimal token spells (`1.5`, `-2e-3`, `.5`, `Infinity`), else NaN. `Number()`
 * alone also reads `0x10` as 16, `0b11` as 3 and `0o7` as 7, and a blank token as 0: a loss or
 * an option written so is a mistake to report, not a number to guess.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { decimalNumber } from "./series_values.ts";
 * assertEquals([decimalNumber("-2e-3"), decimalNumber(".5"), decimalNumber("Infinity")], [
 *   -0.002, 0.5, Infinity,
 * ]);
 * assertEquals([decimalNumber("0x10"), decimalNumber(" ")], [NaN, NaN]); // not 16, not 0
 * ```
 */
export function decimalNumber(token: string): number {
  const value = Number(token);
  if (Number.isNaN(value)) return NaN;
  const text = token.trim();
  if (text === "") return NaN;
  if (text.length > 2 && text.charCodeAt(0) === 48 /* 0 */) {
    const radix = text.charCodeAt(1) | 0x20; // lower case
    if (radix === 120 /* x */ || radix === 98 /* b */ || radix === 111 /* o */) return NaN;
  }
  return value;
}

/**
 * A series longer than the caller's bound: the parser stopped reading there, so a body of
 * 20 million rows costs the first million (the route answers 413 naming its limit).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { SeriesTooLong } from "./series_values.ts";
 * assertEquals(new SeriesTooLong(100).message, "the series has more than 100 points");
 * assertEquals(new SeriesTooLong(100, 250).message, "the series has 250 points");
 * ```
 */
export class SeriesTooLong extends RangeError {
  /**
   * `found`: the series' length when it is known without reading on (a JSON array's);
   * `series`: which series, for a file that holds several ("the eval_loss series of this
   * Lightning metrics.csv").
   */
  constructor(
    readonly limit: number,
    readonly found?: number,
    readonly series = "the series",
  ) {
    super(`${series} has ${found ?? "more than " + limit} points`);
    this.name = "SeriesTooLong";
  }
}

/**
 * Turns a JSON array of loss values into a Float64Array, saying where a bad value is.
 *
 * Why: a loss series is data, so NaN and ±Infinity are values, not errors. They arrive as
 * `null` (what `JSON.stringify` and many loggers write for them), as the numbers Python's
 * JSON writes (see `parsePythonJson`), or as strings ("NaN", "nan", "inf", "-Infinity"…).
 * Anything else — a word, a boolean, a nested array — is a TypeError whose message starts
 * with the JSON pointer of the element (`/loss/17`). One typed pass, no per-element objects,
 * so a 10⁶-point series costs a few milliseconds.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { seriesValues } from "./series_values.ts";
 * assertEquals([...seriesValues([1, null, "inf", "-Infinity"], "/loss")], [1, NaN, Infinity, -Infinity]);
 * assertThrows(() => seriesValues([1, "one"], "/loss"), TypeError, '/loss/1: expected a number');
 * ```
 */
export function seriesValues(value: unknown, pointer: string): Float64Array {
  if (!Array.isArray(value)) {
    throw new TypeError(`${pointer}: expected an array of numbers, found ${describe(value)}`);
  }
  const out = new Float64Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    if (typeof v === "number") out[i] = v;
    else if (v === null) out[i] = NaN;
    else if (typeof v === "string" && nonFiniteWord(v) !== undefined) {
      out[i] = nonFiniteWord(v)!;
    } else {
      throw new TypeError(
        `${pointer}/${i}: expected a number, null, "NaN" or "Infinity", found ${describe(v)}`,
      );
    }
  }
  return out;
}

/**
 * A short description of a JSON value for an error message (a string cut at 20 characters).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { describe } from "./series_values.ts";
 * assertEquals([describe(true), describe([1]), describe("x".repeat(30))], [
 *   "boolean true", "an array", `"${"x".repeat(20)}…"`,
 * ]);
 * ```
 */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 20 ? value.slice(0, 20) + "…" : value);
  }
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}
