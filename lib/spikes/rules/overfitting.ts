/**
 * `overfitting`: the eval loss rises while the training loss falls (a warning; needs an
 * eval-loss series). The test and the finding's text are `../overfitting.ts`'s.
 *
 * @example
 * ```ts
 * overfittingRule.explain(evidence)?.title; // "The eval loss rises while the training loss falls: …"
 * ```
 */
import { overfittingFinding } from "../overfitting.ts";
import type { Rule } from "./evidence.ts";

export const overfittingRule: Rule = {
  id: "overfitting",
  explain: (e) => e.overfitting ? overfittingFinding(e.overfitting) : null,
};
