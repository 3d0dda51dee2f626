/**
 * The structure a JSON body may have, with why each bound has its value.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { JSON_LIMITS } from "./json_scan.ts";
 * assertEquals([JSON_LIMITS.depth, JSON_LIMITS.keys], [64, 4096]);
 * ```
 */
export const JSON_LIMITS = {
  /**
   * Levels of nesting: the deepest body the service reads is an MCP call of `diagnose` with
   * embeddings (message → params → arguments → contrastive → q → row), 6 levels.
   */
  depth: 64,
  /**
   * Arrays and objects in one body: a trajectory has at most 10⁵ objects, a
   * `trainer_state.json` of 40 MiB about 460 000 log entries; 2²⁰ of them parse in well under
   * a second.
   */
  containers: 1 << 20,
  /**
   * Keys of one object: the request schemas have fewer than 40, a framework's log entry about
   * 10. An object of 2·10⁶ distinct keys took seconds to build.
   */
  keys: 4096,
  /**
   * Up to this many brackets the structure is within `depth` and `containers` by count alone,
   * and the scan is skipped ({@linkcode needsJsonScan}).
   */
  fastContainers: 64,
} as const;

/**
 * A JSON text over one of {@linkcode JSON_LIMITS}: which, and its value (the scan stops there).
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { JsonLimitError, scanJson } from "./json_scan.ts";
 * const error = assertThrows(() => scanJson("[".repeat(65)), JsonLimitError) as JsonLimitError;
 * assertEquals([error.limit, error.value], ["depth", 64]);
 * ```
 */
export class JsonLimitError extends RangeError {
  /**
   * `limit`: which bound; `value`: its value; `found`: what the text had, when the scan knows
   * it (it stops at the bound, so mostly it does not).
   */
  constructor(
    message: string,
    readonly limit: "depth" | "containers" | "keys" | "elements",
    readonly value: number,
    readonly found?: number,
  ) {
    super(message);
    this.name = "JsonLimitError";
  }
}

/** What {@linkcode scanJson} measured. */
export interface JsonShape {
  /** The deepest nesting (1 for a flat array). */
  depth: number;
  /** Arrays and objects. */
  containers: number;
  /** The most keys of one object. */
  keys: number;
  /** Index of each bare `NaN`, `Infinity`, `-Infinity` token outside strings, ascending. */
  bare: number[];
}

const QUOTE = 34, BACKSLASH = 92, COLON = 58, COMMA = 44, MINUS = 45;
const OPEN_ARRAY = 91, OPEN_OBJECT = 123, CLOSE_ARRAY = 93, CLOSE_OBJECT = 125;
const N = 78, I = 73;
/**
 * The characters the scan acts on; the others (digits, letters, white space: most of a
 * pretty-printed trainer_state.json) are skipped by one table lookup each, which halves the
 * scan of such a file (766 → 365 ms for 149 MB, one core).
 */
const SIGNIFICANT = new Uint8Array(128);
for (
  const c of [QUOTE, OPEN_ARRAY, OPEN_OBJECT, CLOSE_ARRAY, CLOSE_OBJECT, COLON, COMMA, N, I, MINUS]
) SIGNIFICANT[c] = 1;

/**
 * Whether the text may be over a limit, by native searches only: more than
 * `fastContainers` brackets, more than `keys` colons, or (with `maxElements`) at least
 * `maxElements` commas (strings included, so this overcounts and never misses). O(native
 * searches up to those bounds).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { needsJsonScan } from "./json_scan.ts";
 * assertEquals(needsJsonScan('{"loss": [1, 2, 3]}'), false);
 * assertEquals(needsJsonScan("[".repeat(100)), true);
 * assertEquals(needsJsonScan("[1, 2, 3]", 2), true);
 * ```
 */
export function needsJsonScan(text: string, maxElements = Infinity): boolean {
  return occurrences(text, "[", JSON_LIMITS.fastContainers) +
          occurrences(text, "{", JSON_LIMITS.fastContainers) > JSON_LIMITS.fastContainers ||
    occurrences(text, ":", JSON_LIMITS.keys) > JSON_LIMITS.keys ||
    (Number.isFinite(maxElements) && occurrences(text, ",", maxElements) >= maxElements);
}

/** Occurrences of `char` in `text`, counted up to `stop` + 1. */
function occurrences(text: string, char: string, stop: number): number {
  let count = 0;
  for (let at = text.indexOf(char); at >= 0 && count <= stop; at = text.indexOf(char, at + 1)) {
    count++;
  }
  return count;
}

/**
 * Measures a JSON text without building it: how deep it nests, how many arrays and objects it
 * holds, the most keys of one object, and where bare `NaN`, `Infinity` and `-Infinity` tokens
 * stand outside strings (Python's `json.dumps` writes them).
 *
 * Why: `JSON.parse` costs what the structure costs, not what the bytes cost. Within a 40 MiB
 * body, 13 million empty arrays took 6.8 s and 1.2 GB to build, 20 million levels of nesting
 * 17.6 s and 2.2 GB, one object of 2 million keys several seconds (issue 12). So a text that
 * could hold such a structure is measured first, in one linear pass that builds nothing, and
 * refused past {@linkcode JSON_LIMITS}. Most bodies cannot: a loss series is one array, and a
 * text with at most `JSON_LIMITS.fastContainers` brackets and `JSON_LIMITS.keys` colons is within
 * every limit whatever it holds, which {@linkcode needsJsonScan} tells with a few native
 * searches, so the pass is skipped for them. A caller may bound the elements of one array too
 * (`maxElements`: the longest array any endpoint reads): a text with fewer commas cannot hold a
 * longer one, and one with more is scanned and stopped at the first array past the bound (an
 * MCP call whose `steps` held 8.3·10⁶ × `true` cost a second of `JSON.parse` before its length
 * could be checked).
 *
 * No regular expression: strings are skipped with `indexOf('"')` and a count of the
 * backslashes before each quote, so `"` followed by 65 536 × `\"` is one pass, not a quadratic
 * backtrack (the pattern this replaces took 17.6 s on that 128 KB body).
 *
 * Cost: O(n) for n characters, O(depth) memory plus one number per bare token; it stops at the
 * first limit passed. Errors: {@linkcode JsonLimitError} (a RangeError) naming the limit.
 *
 * Throws {@linkcode JsonLimitError} past a limit, or at an array of more than `maxElements`
 * elements; it does not check the syntax (`JSON.parse` does, after).
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { JsonLimitError, scanJson } from "./json_scan.ts";
 * assertEquals(scanJson('{"loss": [1, NaN, -Infinity]}'), {
 *   depth: 2,
 *   containers: 2,
 *   keys: 1,
 *   bare: [13, 18], // where NaN and -Infinity stand
 * });
 * assertEquals(scanJson('["NaN"]').bare, []); // inside a string, not a token
 * assertThrows(() => scanJson("[".repeat(65)), JsonLimitError, "more than 64 levels");
 * assertThrows(() => scanJson("[1, 2, 3]", 2), JsonLimitError, "more than 2 elements");
 * ```
 */
export function scanJson(text: string, maxElements = Infinity, limits = JSON_LIMITS): JsonShape {
  // Per open container: its keys (an object) or its commas (an array).
  const keyCounts = new Int32Array(limits.depth + 2);
  const isObject = new Uint8Array(limits.depth + 2);
  const shape: JsonShape = { depth: 0, containers: 0, keys: 0, bare: [] };
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    while (c >= 128 || SIGNIFICANT[c] === 0) {
      if (++i >= n) return shape;
      c = text.charCodeAt(i);
    }
    if (c === QUOTE) {
      i = stringEnd(text, i);
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      depth++;
      shape.containers++;
      if (depth > limits.depth) throw tooDeep(limits.depth);
      if (shape.containers > limits.containers) throw tooMany(limits.containers);
      if (depth > shape.depth) shape.depth = depth;
      isObject[depth] = c === OPEN_OBJECT ? 1 : 0;
      keyCounts[depth] = 0;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      if (depth > 0) depth--;
    } else if (c === COLON) {
      if (isObject[depth] && ++keyCounts[depth] > shape.keys) {
        shape.keys = keyCounts[depth];
        if (shape.keys > limits.keys) throw tooManyKeys(limits.keys);
      }
    } else if (c === COMMA) {
      if (!isObject[depth] && depth > 0 && ++keyCounts[depth] >= maxElements) {
        throw tooLong(maxElements);
      }
    } else if (c === N || c === I || c === MINUS) {
      const word = bareWord(text, i, c);
      if (word > 0) {
        shape.bare.push(i);
        i += word - 1;
      }
    }
  }
  return shape;
}

/** The index of the quote that closes the string opened at `open` (or the text's end). */
function stringEnd(text: string, open: number): number {
  for (let from = open + 1;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

/** The length of the bare token at `i` (`NaN`, `Infinity`, `-Infinity`), or 0. */
function bareWord(text: string, i: number, c: number): number {
  if (c === N) return text.startsWith("NaN", i) ? 3 : 0;
  if (c === I) return text.startsWith("Infinity", i) ? 8 : 0;
  return text.charCodeAt(i + 1) === I && text.startsWith("Infinity", i + 1) ? 9 : 0;
}

function tooDeep(limit: number): JsonLimitError {
  return new JsonLimitError(
    `the JSON nests more than ${limit} levels deep (the deepest body the service reads has 6)`,
    "depth",
    limit,
  );
}

function tooMany(limit: number): JsonLimitError {
  return new JsonLimitError(
    `the JSON holds more than ${limit} arrays and objects`,
    "containers",
    limit,
  );
}

function tooLong(limit: number): JsonLimitError {
  return new JsonLimitError(
    `an array of the JSON holds more than ${limit} elements`,
    "elements",
    limit,
  );
}

function tooManyKeys(limit: number): JsonLimitError {
  return new JsonLimitError(
    `an object of the JSON has more than ${limit} keys`,
    "keys",
    limit,
  );
}
