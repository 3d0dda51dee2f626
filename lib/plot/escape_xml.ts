/**
 * Text made safe to put inside an XML element or a double- or single-quoted attribute.
 *
 * Why more than `&<>"'`: XML 1.0 (§2.2, production `Char`) forbids most C0 control characters,
 * lone UTF-16 surrogates and U+FFFE/U+FFFF even when escaped, so a title holding a stray `\x00`
 * or half an emoji would make the whole SVG unreadable. Those are replaced by U+FFFD.
 *
 * Cost: O(length). Edge cases: the empty string stays empty; tabs, newlines and carriage returns
 * are legal XML and kept.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { escapeXml } from "./escape_xml.ts";
 * assertEquals(escapeXml(`loss < 1 & "spikes"`), "loss &lt; 1 &amp; &quot;spikes&quot;");
 * assertEquals(escapeXml("a\x00b\uD800"), "a\uFFFDb\uFFFD"); // NUL and half an emoji
 * ```
 */
export function escapeXml(text: string): string {
  return text
    .replace(
      // Not allowed by XML 1.0's Char production, or a lone surrogate.
      // deno-lint-ignore no-control-regex -- these are exactly the characters XML forbids.
      /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      "\uFFFD",
    )
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}
