/** The changes a remedy can ask for, recognised by the code or words that ask for them. */
const FIXES: readonly [name: string, pattern: RegExp][] = [
  ["drop-last", /\bdrop_last=True\b/],
  ["drop-remainder", /\bdrop_remainder=True\b/],
  ["trainer-drop-last", /\bdataloader_drop_last=True\b/],
  ["clip-grad-norm", /\bclip_grad_norm_?\b|\bclipnorm\b/],
  ["batch-free-loss", /independent of the batch size|fix the reduction/i],
];

/**
 * The names of the changes `remedy` asks for: `drop-last`, `drop-remainder`,
 * `trainer-drop-last`, `clip-grad-norm`, `batch-free-loss` (empty when it names none).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { remedyFixes } from "./merge_remedies.ts";
 * assertEquals(
 *   [...remedyFixes("`DataLoader(..., drop_last=True)` and `clip_grad_norm_`")],
 *   ["drop-last", "clip-grad-norm"],
 * );
 * ```
 */
export function remedyFixes(remedy: string): Set<string> {
  const found = new Set<string>();
  for (const [name, pattern] of FIXES) if (pattern.test(remedy)) found.add(name);
  return found;
}

/** One source's remedies (a finding of a check), most effective first. */
export interface SourcedRemedies {
  /** Which finding of which check, e.g. `last_batch/partial-last-batch`. */
  source: string;
  /** Its remedies, most effective first. */
  remedies: readonly string[];
}

/**
 * Merges remedy lists, earlier lists first: the remedies of findings merged across checks as one
 * list, in priority order, without repeats.
 *
 * Why: when the spike analysis and the last-batch model both point at the last batch, each brings
 * its fixes; shown together, "set drop_last=True" would appear three times. Two rules remove the
 * repeats while keeping every distinct change:
 *
 * 1. Text: a remedy whose text (spaces collapsed) is contained in a kept one is dropped; one that
 *    contains a kept one replaces it, in the kept one's place (the longer says more).
 * 2. Fix: each remedy is tagged with the changes it asks for ({@linkcode remedyFixes}: the PyTorch,
 *    Hugging Face and Keras arguments and calls it names). A remedy from one source (one finding
 *    of one check) whose changes are all already asked for by kept remedies of another source is
 *    dropped: the earlier list (the more specific one, e.g. with the user's own batch size) has
 *    said it. Remedies of the same source are never dropped by this rule: a finding lists
 *    framework variants on purpose.
 *
 * Cost: O(R² · L) for R remedies of length L (R is at most a few dozen).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { mergeRemedies } from "./merge_remedies.ts";
 * const merged = mergeRemedies([
 *   {
 *     source: "partial-last-batch",
 *     remedies: ["PyTorch: `DataLoader(ds, batch_size=32, drop_last=True)`."],
 *   },
 *   {
 *     source: "last-batch-spike",
 *     remedies: ["`DataLoader(..., drop_last=True)`", "Clip: `clip_grad_norm_`"],
 *   },
 * ]);
 * // the second drop_last is said already, with the user's own batch size
 * assertEquals(merged, [
 *   "PyTorch: `DataLoader(ds, batch_size=32, drop_last=True)`.",
 *   "Clip: `clip_grad_norm_`",
 * ]);
 * ```
 */
export function mergeRemedies(lists: readonly SourcedRemedies[]): string[] {
  const kept: { text: string; flat: string; source: string; fixes: Set<string> }[] = [];
  for (const { source, remedies } of lists) {
    for (const text of remedies) {
      const flat = text.replace(/\s+/g, " ").trim();
      if (flat === "") continue;
      if (kept.some((k) => k.flat.includes(flat))) continue;
      const fixes = remedyFixes(flat);
      const covered = new Set<string>();
      for (const k of kept) if (k.source !== source) { for (const f of k.fixes) covered.add(f); }
      if (fixes.size > 0 && [...fixes].every((f) => covered.has(f))) continue;
      const entry = { text, flat, source, fixes };
      const contained = kept.findIndex((k) => flat.includes(k.flat));
      if (contained >= 0) {
        kept[contained] = entry;
        // A longer remedy may contain several kept ones: keep it once, in the first one's place.
        for (let i = kept.length - 1; i > contained; i--) {
          if (flat.includes(kept[i].flat)) kept.splice(i, 1);
        }
      } else {
        kept.push(entry);
      }
    }
  }
  return kept.map((k) => k.text);
}
