/**
 * Lines of a caption, for SVG `<tspan>`s (SVG 1.1 has no automatic line wrapping): `text` split
 * into lines of at most `maxChars` characters at spaces (a word longer than a line is cut),
 * keeping at most `maxLines` lines; the last kept line ends with "…" if text was dropped.
 * Explicit newlines start new lines.
 *
 * Cost: O(length). Edge cases: empty text gives `[]`.
 *
 * @throws {RangeError} unless maxChars ≥ 1 and maxLines ≥ 1.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { wrapText } from "./wrap_text.ts";
 * assertEquals(wrapText("the last batch of each epoch", 12, 2), ["the last", "batch of…"]);
 * assertEquals(wrapText("abcdefghij", 4, 5), ["abcd", "efgh", "ij"]);
 * assertEquals(wrapText("", 5, 2), []);
 * ```
 */
export function wrapText(text: string, maxChars: number, maxLines: number): string[] {
  if (!(maxChars >= 1) || !(maxLines >= 1)) {
    throw new RangeError(
      `wrapText needs maxChars ≥ 1 and maxLines ≥ 1, found ${maxChars}, ${maxLines}`,
    );
  }
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      let rest = word;
      while (rest.length > 0) {
        const room = line === "" ? maxChars : maxChars - line.length - 1;
        if (rest.length <= room) {
          line = line === "" ? rest : `${line} ${rest}`;
          rest = "";
        } else if (line !== "") {
          lines.push(line);
          line = "";
        } else {
          lines.push(rest.slice(0, maxChars));
          rest = rest.slice(maxChars);
        }
      }
    }
    if (line !== "") lines.push(line);
  }
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = kept[maxLines - 1];
  kept[maxLines - 1] = (last.length >= maxChars ? last.slice(0, maxChars - 1) : last) + "…";
  return kept;
}
