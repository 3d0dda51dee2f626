/**
 * Where a JSON text stops being JSON: the index of the first character a parser must refuse.
 *
 * Why: `JSON.parse` says *that* a body is not JSON, but V8's message no longer says *where*;
 * a person with a 20 MB body needs "line 48213, column 7". This is a validating scanner —
 * no values are built, nesting is an explicit stack (so a deeply nested hostile body cannot
 * overflow the call stack) — run only after `JSON.parse` has failed. Bare `NaN`, `Infinity`
 * and `-Infinity` count as valid (Python writes them).
 *
 * Cost: O(n) time, O(depth) memory. Returns -1 when the text is valid.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { jsonErrorPosition } from "./json_error_position.ts";
 * assertEquals(jsonErrorPosition("[1, 2,, 3]"), 6); // the second comma
 * assertEquals(jsonErrorPosition('{"loss": [1, NaN]}'), -1); // Python's NaN is valid here
 * assertEquals(jsonErrorPosition("[1, 2"), 5); // the end: the array never closes
 * ```
 */
export function jsonErrorPosition(text: string): number {
  const stack: string[] = [];
  let i = 0;
  const n = text.length;
  const space = () => {
    while (i < n && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")) {
      i++;
    }
  };
  // States: expecting a value, or what may follow one in the current container.
  let expectValue = true;
  for (;;) {
    space();
    if (expectValue) {
      if (i >= n) return i;
      const c = text[i];
      if (c === "{" || c === "[") {
        stack.push(c);
        i++;
        space();
        if (text[i] === (c === "{" ? "}" : "]")) {
          stack.pop();
          i++;
          expectValue = false;
          continue;
        }
        if (c === "{") {
          if (!scanString()) return i;
          space();
          if (text[i] !== ":") return i;
          i++;
        }
        continue;
      }
      if (c === '"') {
        if (!scanString()) return i;
      } else if (!scanLiteral()) return i;
      expectValue = false;
      continue;
    }
    if (stack.length === 0) return i >= n ? -1 : i;
    const top = stack[stack.length - 1];
    if (text[i] === ",") {
      i++;
      expectValue = true;
      if (top === "{") {
        space();
        if (!scanString()) return i;
        space();
        if (text[i] !== ":") return i;
        i++;
      }
    } else if (text[i] === (top === "{" ? "}" : "]")) {
      stack.pop();
      i++;
    } else return i;
  }

  function scanString(): boolean {
    if (text[i] !== '"') return false;
    i++;
    while (i < n && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) return false;
      if (text[i] === "\\") {
        i++;
        if (text[i] === "u") {
          // Anchored, a fixed count of one class, on a 4-character slice: constant time.
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) return false;
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? "x")) return false;
      }
      i++;
    }
    if (i >= n) return false;
    i++;
    return true;
  }

  function scanLiteral(): boolean {
    const rest = text.slice(i, i + 9);
    for (const word of ["true", "false", "null", "NaN", "Infinity", "-Infinity"]) {
      if (rest.startsWith(word)) {
        i += word.length;
        return true;
      }
    }
    // Anchored, on a slice of at most 400 characters, and each part of JSON's number grammar
    // starts with a character the part before cannot take (digits, `.`, `e`): no backtracking.
    const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!number) return false;
    i += number[0].length;
    return true;
  }
}
