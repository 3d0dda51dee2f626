/**
 * How a period compares with the epoch, as the findings word it.
 *
 * @example
 * ```ts
 * epochText(evidence); // "= the epoch (157 steps)", or "(the epoch length was not given)"
 * ```
 */
import type { Evidence } from "./evidence.ts";

export function epochText(e: Evidence): string {
  return e.alignment?.aligned
    ? `= the epoch (${e.layout!.stepsPerEpoch} steps)`
    : e.layout
    ? `(the epoch is ${e.layout.stepsPerEpoch} steps)`
    : "(the epoch length was not given)";
}
