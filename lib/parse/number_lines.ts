import { decimalNumber, describe, nonFiniteWord, SeriesTooLong } from "./series_values.ts";

/**
 * What separates the numbers of a line. Linear, no backtracking: one character class repeated,
 * so each character is looked at once; it runs on one line at a time.
 */
const SEPARATORS = /[\s,;]+/;

/**
 * Reads a series written one number per line, or as one line of numbers.
 *
 * Why: `print(loss)` in a loop, `np.savetxt`, a log grepped down to its numbers (one per line);
 * `print(*losses)` or a pasted list (one line, numbers separated by spaces, commas or
 * semicolons). `nan`, `inf`, `-inf` (any case, also `NaN`, `Infinity`) are values; blank lines
 * are skipped; a word that is not a number is a TypeError naming its line.
 *
 * No guesses: several lines of several values each are refused, not read in a row. `1,5\n2,5`
 * may be decimal commas (1.5 and 2.5) or a table without a header (step 1, loss 5), and read
 * as four numbers it is neither. Tokens are decimal: `0x10` is an error, not 16.
 *
 * Cost: O(n) for n characters; reading stops once `maxValues` values are read
 * ({@linkcode SeriesTooLong}).
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { parseNumberLines } from "./number_lines.ts";
 * assertEquals([...parseNumberLines("2.5\n2.4\nnan\n")], [2.5, 2.4, NaN]);
 * assertEquals([...parseNumberLines("2.5, 2.4, nan")], [2.5, 2.4, NaN]);
 * assertThrows(() => parseNumberLines("1,5\n2,5"), TypeError, "decimal points");
 * assertThrows(() => parseNumberLines("2.5\n0x10"), TypeError, "at line 2");
 * ```
 */
export function parseNumberLines(text: string, maxValues: number = Infinity): Float64Array {
  const values: number[] = [];
  // The first line that held several values, while it may still be the only line.
  let listLine = 0, listText = "", lines = 0;
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let l = 1; at <= text.length; l++) {
    let end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    const line = text.slice(at, end).trim();
    at = end + 1;
    if (line === "") continue;
    lines++;
    // `/\s|;/` is one character test per position (linear, no backtracking).
    const tokens = line.includes(",") || /\s|;/.test(line) ? line.split(SEPARATORS) : [line];
    const several = tokens.filter((t) => t !== "").length > 1;
    if (several && listLine === 0) [listLine, listText] = [l, line];
    if (listLine > 0 && lines > 1) throw tableOrDecimalCommas(listLine, listText);
    for (const token of tokens) {
      if (token === "") continue;
      if (values.length >= maxValues) throw new SeriesTooLong(maxValues);
      values.push(value(token, l));
    }
  }
  if (values.length === 0) throw new TypeError("expected at least one number, found none");
  return Float64Array.from(values);
}

function value(token: string, line: number): number {
  const number = decimalNumber(token);
  if (!Number.isNaN(number)) return number;
  const word = nonFiniteWord(token);
  if (word !== undefined) return word;
  throw new TypeError(`expected a number at line ${line}, found ${describe(token)}`);
}

function tableOrDecimalCommas(line: number, text: string): TypeError {
  return new TypeError(
    `expected one number per line (or a single line of numbers), found several values on ` +
      `line ${line} (${describe(text)}) and more lines: write decimal points (1.5, not 1,5), ` +
      "or send a table as text/csv with a header naming its columns",
  );
}
