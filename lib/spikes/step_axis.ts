import { median } from "simple-statistics";

/** Steps of the points, and the typical steps between two points. */
export interface StepAxis {
  /** The training step of point `index`. */
  stepOf: (index: number) => number;
  /** The typical steps between two points (`log_every`, or the median increment of `steps`). */
  stride: number;
}

/**
 * Maps logged points to training steps.
 *
 * Why: people log every k steps (often the mean of those k), or export (step, value) pairs with
 * gaps; periods and phases must be answered in steps, the unit of "every 1390 steps". Without
 * `steps`, point i is step i·k. With `steps`, the stride is their median increment (so a few
 * missing rows do not change it) and each point keeps its own step.
 *
 * Cost: O(n) (O(n log n) for the median of increments).
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { stepAxis } from "./step_axis.ts";
 * const every10 = stepAxis(3, undefined, 10);
 * assertEquals([every10.stepOf(2), every10.stride], [20, 10]);
 * const given = stepAxis(3, Float64Array.of(100, 200, 300));
 * assertEquals([given.stepOf(1), given.stride], [200, 100]);
 * assertThrows(() => stepAxis(3, undefined, 2.5), RangeError, "whole number");
 * ```
 */
export function stepAxis(n: number, steps?: Float64Array, logEvery = 1): StepAxis {
  if (!(logEvery >= 1) || !Number.isInteger(logEvery)) {
    throw new RangeError(`expected log_every to be a whole number ≥ 1, found ${logEvery}`);
  }
  if (!steps) return { stepOf: (i) => i * logEvery, stride: logEvery };
  if (steps.length !== n) {
    throw new RangeError(`expected ${n} steps (one per loss value), found ${steps.length}`);
  }
  if (n < 2) return { stepOf: (i) => steps[i], stride: logEvery };
  const increments = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) {
    increments[i - 1] = steps[i] - steps[i - 1];
    if (!(increments[i - 1] > 0)) {
      throw new RangeError(
        `expected strictly increasing steps, found ${steps[i]} after ${
          steps[i - 1]
        } at /steps/${i}`,
      );
    }
  }
  return { stepOf: (i) => steps[i], stride: median(increments as unknown as number[]) };
}
