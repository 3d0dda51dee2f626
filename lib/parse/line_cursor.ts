/**
 * Line cursors: the lines of a text one at a time, without an array of every line.
 *
 * Why: `text.split(…)` of a 40 MiB body builds an array of a million strings before the first
 * line is looked at, and a reader that stops at `MAX_SERIES_POINTS` still pays for all of them.
 * A cursor hands out one line (a slice of the text, which V8 does not copy) and forgets it.
 * No regular expression: the next separator is found with `indexOf`.
 *
 * @module
 */

const LF = 10, CR = 13, BS = 8;

/**
 * The lines of a CSV or JSON-lines text, one at a time: split at `\n` (a `\r` before it
 * dropped), the byte-order mark skipped, numbered from 1 for messages; blank lines are lines.
 *
 * Cost: O(n) for a text of n characters, O(1) memory besides the line handed out.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { TextLines } from "./line_cursor.ts";
 * const rows = new TextLines("\uFEFFstep,loss\r\n0,2.5\n");
 * assertEquals([rows.next(), rows.number], ["step,loss", 1]);
 * assertEquals([rows.next(), rows.next(), rows.next()], ["0,2.5", "", null]);
 * ```
 */
export class TextLines {
  #at: number;
  /** The 1-based number of the line last returned. */
  number = 0;
  /** A cursor at the first line of `text` (after a byte-order mark). */
  constructor(readonly text: string) {
    this.#at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  }
  /** The next line (without its `\r\n` or `\n`), or null after the last. */
  next(): string | null {
    const line = this.peek();
    if (line === null) return null;
    const end = this.text.indexOf("\n", this.#at);
    this.#at = end < 0 ? this.text.length + 1 : end + 1;
    this.number++;
    return line;
  }
  /** The line {@linkcode next} would return, without moving. */
  peek(): string | null {
    if (this.#at > this.text.length) return null;
    let end = this.text.indexOf("\n", this.#at);
    if (end < 0) end = this.text.length;
    const line = this.text.slice(this.#at, end);
    return line.endsWith("\r") ? line.slice(0, -1) : line;
  }
}

/**
 * The non-empty lines of a pasted terminal log, where a progress bar redraws itself with a bare
 * `\r` or with backspaces: any run of `\n`, `\r` and `\b` ends a line (what
 * `split(/\r\n|[\r\n\b]+/)` kept, less the empty lines). Each separator's next position is
 * searched again only once the cursor has passed it, so a text is searched at most once per
 * separator kind: 10⁶ backspaces cost one pass, not one search per line.
 *
 * Cost: O(n) for a text of n characters, O(1) memory besides the line handed out.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { LogLines } from "./line_cursor.ts";
 * const lines = new LogLines("Epoch 1/2\n1/3 [=>..]\b\b\b\b2/3 [==>.]\r\n\nEpoch 2/2");
 * const read = [lines.next(), lines.next(), lines.next(), lines.next(), lines.next()];
 * assertEquals(read, ["Epoch 1/2", "1/3 [=>..]", "2/3 [==>.]", "Epoch 2/2", null]);
 * ```
 */
export class LogLines {
  #at = 0;
  // The next position of each separator at or after #at (text.length when there is none).
  #lf = -1;
  #cr = -1;
  #bs = -1;
  /** A cursor at the start of `text`. */
  constructor(readonly text: string) {}

  /** The next non-empty line, or null after the last. */
  next(): string | null {
    const text = this.text, n = text.length;
    let at = this.#at;
    for (let c = text.charCodeAt(at); c === LF || c === CR || c === BS; c = text.charCodeAt(at)) {
      at++;
    }
    if (at >= n) {
      this.#at = n;
      return null;
    }
    if (this.#lf < at) this.#lf = found(text.indexOf("\n", at), n);
    if (this.#cr < at) this.#cr = found(text.indexOf("\r", at), n);
    if (this.#bs < at) this.#bs = found(text.indexOf("\b", at), n);
    const end = Math.min(this.#lf, this.#cr, this.#bs);
    this.#at = end;
    return text.slice(at, end);
  }
}

function found(index: number, none: number): number {
  return index < 0 ? none : index;
}
