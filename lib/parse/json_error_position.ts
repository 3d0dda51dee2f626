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
  const scanner = new Scanner(text);
  const stack: string[] = [];
  // States: expecting a value, or what may follow one in the current container.
  let state: State = "value";
  for (;;) {
    scanner.space();
    const next: State | number = state === "value"
      ? readValue(scanner, stack)
      : readAfterValue(scanner, stack);
    if (typeof next === "number") return next;
    state = next;
  }
}

/** What the scanner expects next: a value, or what may follow one in the current container. */
type State = "value" | "after";

/** A value: a container opens (see {@linkcode openContainer}), or a string or literal is read. */
function readValue(s: Scanner, stack: string[]): State | number {
  if (s.i >= s.n) return s.i;
  const c = s.text[s.i];
  if (c === "{" || c === "[") return openContainer(s, stack, c);
  if (c === '"' ? !s.string() : !s.literal()) return s.i;
  return "after";
}

/** `{` or `[`: empty and closed at once, or open and waiting for its first value (or key). */
function openContainer(s: Scanner, stack: string[], c: "{" | "["): State | number {
  stack.push(c);
  s.i++;
  s.space();
  if (s.text[s.i] === (c === "{" ? "}" : "]")) {
    stack.pop();
    s.i++;
    return "after";
  }
  if (c === "{" && !s.key()) return s.i;
  return "value";
}

/** After a value: the end (-1, or what follows it), a comma (and the next key), or a close. */
function readAfterValue(s: Scanner, stack: string[]): State | number {
  if (stack.length === 0) return s.i >= s.n ? -1 : s.i;
  const top = stack[stack.length - 1];
  if (s.text[s.i] === ",") {
    s.i++;
    if (top === "{") {
      s.space();
      if (!s.key()) return s.i;
    }
    return "value";
  }
  if (s.text[s.i] === (top === "{" ? "}" : "]")) {
    stack.pop();
    s.i++;
    return "after";
  }
  return s.i;
}

/** The text and the index of the next character; each read stops at the first it refuses. */
class Scanner {
  i = 0;
  readonly n: number;
  constructor(readonly text: string) {
    this.n = text.length;
  }

  space(): void {
    const { text, n } = this;
    while (
      this.i < n &&
      (text[this.i] === " " || text[this.i] === "\n" || text[this.i] === "\r" ||
        text[this.i] === "\t")
    ) {
      this.i++;
    }
  }

  /** An object's key and its colon. */
  key(): boolean {
    if (!this.string()) return false;
    this.space();
    if (this.text[this.i] !== ":") return false;
    this.i++;
    return true;
  }

  string(): boolean {
    const { text, n } = this;
    if (text[this.i] !== '"') return false;
    this.i++;
    while (this.i < n && text[this.i] !== '"') {
      if (text.charCodeAt(this.i) < 0x20) return false;
      if (text[this.i] === "\\") {
        this.i++;
        if (text[this.i] === "u") {
          // Anchored, a fixed count of one class, on a 4-character slice: constant time.
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(this.i + 1, this.i + 5))) return false;
          this.i += 4;
        } else if (!'"\\/bfnrt'.includes(text[this.i] ?? "x")) return false;
      }
      this.i++;
    }
    if (this.i >= n) return false;
    this.i++;
    return true;
  }

  literal(): boolean {
    const rest = this.text.slice(this.i, this.i + 9);
    for (const word of ["true", "false", "null", "NaN", "Infinity", "-Infinity"]) {
      if (rest.startsWith(word)) {
        this.i += word.length;
        return true;
      }
    }
    // Anchored, on a slice of at most 400 characters, and each part of JSON's number grammar
    // starts with a character the part before cannot take (digits, `.`, `e`): no backtracking.
    const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(
      this.text.slice(this.i, this.i + 400),
    );
    if (!number) return false;
    this.i += number[0].length;
    return true;
  }
}
