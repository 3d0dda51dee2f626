/**
 * Parses JSON as Python's `json.dumps` writes it: bare `NaN`, `Infinity` and `-Infinity`.
 *
 * Why: a training script that does `json.dumps({"loss": losses})` after its loss went NaN
 * writes `NaN`, which is not JSON; the script must not have to clean its data before asking
 * why. Plain JSON takes the fast path (`JSON.parse`). Otherwise one regular-expression pass
 * over the text matches string literals (left alone, so a string "NaN" stays a string) and the
 * three bare tokens, which become unique marker strings; after `JSON.parse`, a walk turns the
 * markers back into numbers.
 *
 * Errors are {@linkcode JsonSyntaxError}s (a `TypeError`) that say where the text went wrong,
 * by line and column, so a caller can tell text that is not JSON from JSON it cannot use.
 *
 * Cost: O(n) for n characters; the slow path is a regex pass, a parse and a walk.
 *
 * @example
 * ```ts
 * parsePythonJson('{"loss": [1.5, NaN, -Infinity]}'); // { loss: [1.5, NaN, -Infinity] }
 * ```
 */
import { jsonErrorPosition } from "./json_error_position.ts";

/** Text that is not JSON (nor JSON with Python's bare NaN and Infinity): a `TypeError`. */
export class JsonSyntaxError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = "JsonSyntaxError";
  }
}

const MARKERS: Record<string, number> = {
  "\u0000NaN": NaN,
  "\u0000Infinity": Infinity,
  "\u0000-Infinity": -Infinity,
};
const TOKENS = /"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g;

export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!/NaN|Infinity/.test(text)) throw located(error, text);
  }
  let replaced = false;
  const rewritten = text.replace(TOKENS, (token) => {
    if (token[0] === '"') return token;
    replaced = true;
    return `"\\u0000${token}"`;
  });
  let value: unknown;
  try {
    value = JSON.parse(rewritten);
  } catch (error) {
    throw located(error, text);
  }
  return replaced ? restore(value) : value;
}

function restore(value: unknown): unknown {
  if (typeof value === "string") return value in MARKERS ? MARKERS[value] : value;
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
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  const column = position - before.lastIndexOf("\n");
  const found = text.slice(position, position + 12);
  return new JsonSyntaxError(
    `expected JSON; at line ${line} column ${column} found ${
      found ? JSON.stringify(found) : "the end of the body"
    }`,
  );
}
