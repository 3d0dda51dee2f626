import { jsonErrorPosition } from "./json_error_position.ts";
import { needsJsonScan, scanJson } from "./json_scan.ts";

/** Text that is not JSON (nor JSON with Python's bare NaN and Infinity): a `TypeError`. */
export class JsonSyntaxError extends TypeError {
  /** An error with `message`, which says where the text went wrong. */
  constructor(message: string) {
    super(message);
    this.name = "JsonSyntaxError";
  }
}

const MARKERS = new Map<string, number>([
  ["\u0000NaN", NaN],
  ["\u0000Infinity", Infinity],
  ["\u0000-Infinity", -Infinity],
]);

/**
 * Parses JSON as Python's `json.dumps` writes it: bare `NaN`, `Infinity` and `-Infinity`.
 *
 * Why: a training script that does `json.dumps({"loss": losses})` after its loss went NaN
 * writes `NaN`, which is not JSON; the script must not have to clean its data before asking
 * why. Plain JSON takes the fast path (`JSON.parse`). Otherwise one linear scan
 * ({@linkcode scanJson}, no regular expression) finds the three bare tokens outside strings
 * (so a string "NaN" stays a string); they become unique marker strings, and after
 * `JSON.parse` a walk turns the markers back into numbers.
 *
 * The body's structure is bounded before it is built: a text that may nest deeper, hold more
 * arrays and objects, or give one object more keys than {@linkcode JSON_LIMITS} allows is
 * scanned first, and refused with a {@linkcode JsonLimitError} (a RangeError) past a limit.
 *
 * `maxElements` bounds the elements of one array the same way, before anything is built.
 *
 * Errors are {@linkcode JsonSyntaxError}s (a `TypeError`) that say where the text went wrong,
 * by line and column, so a caller can tell text that is not JSON from JSON it cannot use.
 *
 * Cost: O(n) for n characters; the slow path is a scan, a parse and a walk.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { JsonSyntaxError, parsePythonJson } from "./python_json.ts";
 * assertEquals(parsePythonJson('{"loss": [1.5, NaN, -Infinity], "note": "NaN"}'), {
 *   loss: [1.5, NaN, -Infinity],
 *   note: "NaN", // a string stays a string
 * });
 * assertThrows(
 *   () => parsePythonJson('{"loss": [1,\n 2,,]}'),
 *   JsonSyntaxError,
 *   "at line 2 column 4",
 * );
 * ```
 */
export function parsePythonJson(text: string, maxElements = Infinity): unknown {
  if (!needsJsonScan(text, maxElements)) {
    try {
      return JSON.parse(text);
    } catch (error) {
      if (text.indexOf("NaN") < 0 && text.indexOf("Infinity") < 0) throw located(error, text);
    }
  }
  const { bare } = scanJson(text, maxElements);
  let value: unknown;
  try {
    value = JSON.parse(bare.length > 0 ? withMarkers(text, bare) : text);
  } catch (error) {
    throw located(error, text);
  }
  return bare.length > 0 ? restore(value) : value;
}

/** The text with each bare token at `bare` written as its marker string. */
function withMarkers(text: string, bare: number[]): string {
  const parts: string[] = [];
  let from = 0;
  for (const at of bare) {
    const word = text.startsWith("NaN", at) ? "NaN" : text[at] === "-" ? "-Infinity" : "Infinity";
    parts.push(text.slice(from, at), `"\\u0000${word}"`);
    from = at + word.length;
  }
  parts.push(text.slice(from));
  return parts.join("");
}

function restore(value: unknown): unknown {
  if (typeof value === "string") return MARKERS.get(value) ?? value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (typeof v === "string" || (typeof v === "object" && v !== null)) value[i] = restore(v);
    }
    return value;
  }
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = restore(record[key]);
  }
  return value;
}

/** A JsonSyntaxError naming the line and column of a JSON syntax error. */
function located(_error: unknown, text: string): JsonSyntaxError {
  const position = jsonErrorPosition(text);
  if (position < 0) return new JsonSyntaxError("expected JSON, found text that is not");
  let line = 1, lineStart = 0;
  for (let at = text.indexOf("\n"); at >= 0 && at < position; at = text.indexOf("\n", at + 1)) {
    line++;
    lineStart = at + 1;
  }
  const column = position - lineStart + 1;
  const found = text.slice(position, position + 12);
  return new JsonSyntaxError(
    `expected JSON; at line ${line} column ${column} found ${
      found ? JSON.stringify(found) : "the end of the body"
    }`,
  );
}
