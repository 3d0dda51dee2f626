import { paint } from "./palette.ts";

/** What the plot shows, for its legend. */
export interface LegendContent {
  /** Whether a loss line was drawn (not when no value is finite). */
  line: boolean;
  /** How many up spikes were circled. */
  spikes: number;
  /** How many dips were marked. */
  dips: number;
  /** What the vertical guides show, if any were drawn. */
  verticals: "epoch" | "period" | null;
  /** The period of the guides, in steps. */
  period?: number;
  /** How many loss values are NaN or ±Infinity. */
  nonFinite: number;
}

/**
 * The legend row under the plot's title, as SVG elements starting at (`x`, `y`) (y is the text
 * baseline): one symbol and label per thing actually drawn.
 *
 * Why only what is drawn: a legend entry for "dip" on a plot without dips makes a reader look for
 * one. Counts are written in the labels ("spike (10)") so the picture can be checked against the
 * JSON answer. Labels are laid out left to right at an estimated 0.6 em per character (DejaVu Sans'
 * mean advance), which is all an SVG writer can know without measuring text.
 *
 * Cost: O(1). Edge cases: nothing drawn gives an empty string.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { legendRow } from "./legend.ts";
 * const row = legendRow(72, 44, { line: true, spikes: 10, dips: 0, verticals: "epoch", nonFinite: 0 });
 * assertEquals([...row.matchAll(/>([^<]+)<\/text>/g)].map((m) => m[1]), [
 *   "loss", "spike (10)", "epoch end",
 * ]);
 * assertEquals(legendRow(72, 44, { line: false, spikes: 0, dips: 0, verticals: null, nonFinite: 0 }), "");
 * ```
 */
export function legendRow(x: number, y: number, what: LegendContent): string {
  const entries: [symbol: (x: number) => string, label: string][] = [];
  const mid = y - 4;
  if (what.line) {
    entries.push([(x) => `<path ${paint("line")} stroke-width="2" d="M${x} ${mid}h16"/>`, "loss"]);
  }
  if (what.spikes > 0) {
    entries.push([
      (x) => `<circle ${paint("spike")} stroke-width="2" cx="${x + 8}" cy="${mid}" r="5"/>`,
      `spike (${what.spikes})`,
    ]);
  }
  if (what.dips > 0) {
    entries.push([
      (x) => `<path ${paint("dip")} stroke-width="2" d="M${x + 3} ${mid - 4}h10l-5 10z"/>`,
      `dip (${what.dips})`,
    ]);
  }
  if (what.verticals) {
    const label = what.verticals === "epoch"
      ? "epoch end"
      : `period ${formatCount(what.period)} steps`;
    entries.push([
      (x) =>
        `<path ${paint(what.verticals!)} stroke-width="1.5" stroke-dasharray="4 3" d="M${x + 8} ${
          y - 12
        }v14"/>`,
      label,
    ]);
  }
  if (what.nonFinite > 0) {
    entries.push([
      (x) => `<path ${paint("nonFinite")} stroke-width="2" d="M${x + 8} ${y + 2}v-10"/>`,
      `non-finite (${what.nonFinite})`,
    ]);
  }
  const out: string[] = [];
  let at = x;
  for (const [symbol, label] of entries) {
    out.push(symbol(at), `<text ${paint("muted")} x="${at + 21}" y="${y}">${label}</text>`);
    at += 21 + label.length * 12 * 0.6 + 18;
  }
  return out.join("\n");
}

function formatCount(value: number | undefined): string {
  if (value === undefined) return "?";
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}
