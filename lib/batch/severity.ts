import type { Severity } from "../findings/mod.ts";

/**
 * How much a factor on one batch's loss or gradient matters, the scale every last-batch finding
 * uses: a factor ≥ 2 is `critical` (the Keras-SSD report: 4×, a spike that momentum carries on),
 * ≥ 1.25 or ≤ 0.8 `warning` (a dip under-weights a batch but does not destabilise training),
 * anything closer to 1 `info`. O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { severityOfFactor } from "./severity.ts";
 * assertEquals(severityOfFactor(4), "critical");
 * assertEquals(severityOfFactor(2), "critical");
 * assertEquals(severityOfFactor(0.25), "warning");
 * assertEquals(severityOfFactor(1.1), "info");
 * ```
 */
export function severityOfFactor(factor: number): Severity {
  const size = Math.abs(Math.log(factor));
  if (!(size < Math.log(2)) && !(factor < 1)) return "critical";
  return size >= Math.log(1.25) ? "warning" : "info";
}
