import type { Frame } from "./draw_axes.ts";
import { paint } from "./palette.ts";

/** The lines drawn (`svg` may be empty), what they show, and the period they were drawn for. */
export interface Verticals {
  /** One dashed `<path>`, or "" when nothing is drawn. */
  svg: string;
  /** What the lines show: epoch ends, the period's positions, or nothing. */
  role: "epoch" | "period" | null;
  /** The period drawn, in steps (only when `role` is "period"). */
  period?: number;
}

/**
 * The vertical guides of a loss plot: the steps where epochs end if any are given, or, when those
 * are not known, the steps where the found period puts its events (`phase + k·period`).
 *
 * Why: a spike that sits on an epoch line is the last-batch signature at a glance; without a
 * dataset size the period's positions show whether every spike falls on them. Lines are faint
 * and dashed so that they never hide the curve, at most one per pixel column, and centred on
 * the column (x.5) so that a 1-px line is crisp rather than two half-tone columns. A period whose
 * positions would be closer than 4 px apart is not drawn (it would paint the plot grey).
 *
 * Cost: O(boundaries) or O(range / period). Edge cases: non-finite or out-of-range positions are
 * skipped; a period ≤ 0 or non-finite is ignored.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { axisFor, linearAxis } from "./axis.ts";
 * import type { Frame } from "./draw_axes.ts";
 * import { drawVerticals } from "./draw_verticals.ts";
 * const xAxis = linearAxis(0, 1000), yAxis = axisFor([2, 0.5]);
 * const frame: Frame = {
 *   left: 72, right: 936, top: 60, bottom: 488, xAxis, yAxis,
 *   px: (x) => 72 + xAxis.toUnit(x) * 864,
 *   py: (y) => 488 - yAxis.toUnit(y) * 428,
 * };
 * const epochs = drawVerticals(frame, [156, 313], null);
 * assertEquals(epochs.role, "epoch");
 * assertEquals(/d="([^"]*)"/.exec(epochs.svg)?.[1], "M206.5 60V488M342.5 60V488");
 * const period = drawVerticals(frame, [], { period: 200, phase: 50 });
 * assertEquals([period.role, period.period], ["period", 200]); // at 50, 250, …, 850
 * assertEquals(drawVerticals(frame, [], { period: 1, phase: 0 }), { svg: "", role: null });
 * ```
 */
export function drawVerticals(
  frame: Frame,
  epochBoundaries: readonly number[],
  period: { period: number; phase: number } | null | undefined,
): Verticals {
  const [low, high] = frame.xAxis.domain;
  let positions: readonly number[] = epochBoundaries;
  let role: "epoch" | "period" = "epoch";
  if (
    epochBoundaries.length === 0 && period && period.period > 0 &&
    Number.isFinite(period.period) && Number.isFinite(period.phase)
  ) {
    const first = Math.ceil((low - period.phase) / period.period);
    const last = Math.floor((high - period.phase) / period.period);
    if (last - first + 1 <= (frame.right - frame.left) / 4) {
      const found: number[] = [];
      for (let k = first; k <= last; k++) found.push(period.phase + k * period.period);
      positions = found;
      role = "period";
    }
  }
  const columns = new Set<number>();
  for (const v of positions) {
    if (Number.isFinite(v) && v >= low && v <= high) columns.add(Math.floor(frame.px(v)) + 0.5);
  }
  if (columns.size === 0) return { svg: "", role: null };
  const d = [...columns].map((x) => `M${x} ${frame.top}V${frame.bottom}`).join("");
  return {
    svg: `<path ${paint(role)} stroke-width="1" stroke-dasharray="4 3" d="${d}"/>`,
    role,
    period: role === "period" ? period?.period : undefined,
  };
}
