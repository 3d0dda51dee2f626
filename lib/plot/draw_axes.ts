import type { Axis } from "./axis.ts";
import { paint } from "./palette.ts";
import { formatTick } from "./ticks.ts";

/** Where the plot area is, its axes, and the maps from data to pixels. */
export interface Frame {
  /** Pixel x of the y axis. */
  left: number;
  /** Pixel x of the plot area's right edge. */
  right: number;
  /** Pixel y of the plot area's top edge. */
  top: number;
  /** Pixel y of the x axis. */
  bottom: number;
  /** The step axis. */
  xAxis: Axis;
  /** The loss axis. */
  yAxis: Axis;
  /** Pixel x of a step, rounded to 0.1 px. */
  px(x: number): number;
  /** Pixel y of a loss value, rounded to 0.1 px. */
  py(y: number): number;
}

/**
 * The plot's frame as SVG elements: horizontal grid lines at the y ticks, the two axes with x tick
 * marks, tick labels (1-2-5 steps or decades, see `ticks.ts`) and the axis names.
 *
 * Why a separate file: the frame is the same for every plot; `render_loss_plot.ts` keeps only what
 * is specific to a loss curve. Cost: O(ticks). The y name says "log scale" when it is one, since a
 * log axis read as linear turns a 10× spike into a small bump.
 *
 * @example
 * ```ts
 * import { assertEquals, assertStringIncludes } from "@std/assert";
 * import { axisFor, linearAxis } from "./axis.ts";
 * import { drawAxes, type Frame } from "./draw_axes.ts";
 * const xAxis = linearAxis(0, 1000), yAxis = axisFor([2, 0.5]);
 * const frame: Frame = {
 *   left: 72, right: 936, top: 60, bottom: 488, xAxis, yAxis,
 *   px: (x) => 72 + xAxis.toUnit(x) * 864,
 *   py: (y) => 488 - yAxis.toUnit(y) * 428,
 * };
 * const parts = drawAxes(frame);
 * assertEquals(parts.length, 19); // grid, 9 y labels, axes, 6 x labels, two names
 * assertStringIncludes(parts[1], ">0.4</text>");
 * assertStringIncludes(parts.at(-1)!, ">loss</text>"); // linear: no "log scale"
 * ```
 */
export function drawAxes(frame: Frame): string[] {
  const { left, right, top, bottom, xAxis, yAxis } = frame;
  const parts: string[] = [];
  const yTicks = yAxis.ticks.map((t) => ({ t, y: frame.py(t) }));
  const grid = yTicks.map(({ y }) => `M${left} ${y}H${right}`).join("");
  parts.push(`<path ${paint("grid")} stroke-width="1" d="${grid}"/>`);
  for (const { t, y } of yTicks) {
    const label = formatTick(t, yAxis.kind === "log" ? t : yAxis.step);
    parts.push(
      `<text ${paint("muted")} x="${left - 8}" y="${y + 4}" text-anchor="end">${label}</text>`,
    );
  }
  const xTicks = xAxis.ticks.map((t) => ({ t, x: frame.px(t) }));
  const marks = xTicks.map(({ x }) => `M${x} ${bottom}v5`).join("");
  parts.push(
    `<path ${paint("axis")} stroke-width="1" d="M${left} ${top}V${bottom}H${right}${marks}"/>`,
  );
  for (const { t, x } of xTicks) {
    const label = formatTick(t, xAxis.step);
    parts.push(
      `<text ${paint("muted")} x="${x}" y="${bottom + 19}" text-anchor="middle">${label}</text>`,
    );
  }
  const xName = `<text ${paint("muted")} x="${(left + right) / 2}" y="${bottom + 36}"`;
  parts.push(`${xName} text-anchor="middle">step</text>`);
  const yName = yAxis.kind === "log" ? "loss (log scale)" : "loss";
  const rotate = `translate(18 ${(top + bottom) / 2}) rotate(-90)`;
  parts.push(
    `<text ${paint("muted")} transform="${rotate}" text-anchor="middle">${yName}</text>`,
  );
  return parts;
}
