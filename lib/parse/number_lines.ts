/**
 * Reads a series written one number per line (also space- or comma-separated).
 *
 * Why: `print(loss)` in a loop, `np.savetxt`, a log grepped down to its numbers. `nan`, `inf`,
 * `-inf` (any case, also `NaN`, `Infinity`) are values; blank lines are skipped; a word that
 * is not a number is a TypeError naming its line.
 *
 * Cost: O(n) for n characters.
 *
 * @example
 * ```ts
 * parseNumberLines("2.5\n2.4\nnan\n"); // Float64Array [2.5, 2.4, NaN]
 * ```
 */
import { describe, nonFiniteWord } from "./series_values.ts";

export function parseNumberLines(text: string): Float64Array {
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  const values: number[] = [];
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l].trim();
    if (line === "") continue;
    for (const token of line.includes(",") || /\s/.test(line) ? line.split(/[\s,;]+/) : [line]) {
      if (token === "") continue;
      const value = Number(token);
      if (!Number.isNaN(value)) values.push(value);
      else if (nonFiniteWord(token) !== undefined) values.push(nonFiniteWord(token)!);
      else {
        throw new TypeError(`expected a number at line ${l + 1}, found ${describe(token)}`);
      }
    }
  }
  if (values.length === 0) throw new TypeError("expected at least one number, found none");
  return Float64Array.from(values);
}
