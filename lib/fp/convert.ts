import type { Format } from "./formats.ts";
import { round } from "./round.ts";

/** Whose arithmetic to emulate where PyTorch and IEEE 754 differ. */
export type Semantics = "torch" | "ieee";

/** Both semantics; `torch` first, the default of every endpoint. */
export const SEMANTICS = ["torch", "ieee"] as const satisfies readonly Semantics[];

/**
 * Converts an fp64 number (a JSON number, a Python float) to a format the way a framework does:
 * PyTorch's way (`"torch"`, through fp32) or IEEE 754's (`"ieee"`, rounded once).
 *
 * PyTorch stores a Python float or a float64 tensor element in a narrower dtype through `float`:
 * `c10::Half`, `c10::BFloat16`, and (torch ≥ 2.1) `c10::Float8_e4m3fn` / `c10::Float8_e5m2` are
 * constructed from a `float` only, so `torch.tensor(x, dtype=torch.bfloat16)` and
 * `x64.to(torch.bfloat16)` round x to fp32 first, then round that to the format: twice. A double
 * just above a midpoint of the format that fp32 rounds onto the midpoint then ties to even instead
 * of rounding up: `0x1.0100000000001p-16` becomes 1.52587890625e-05 in bf16 (IEEE: 1.5378e-05),
 * `464.00000000000006` becomes 448 in fp8 E4M3 (IEEE: NaN, it lies above the tie 464). IEEE 754
 * §5.4.2 (convertFormat) rounds the exact value once, as numpy's float64 → float16 does. The two
 * agree for fp64 and fp32 and on every input already representable in fp32. Recorded against
 * torch 1.13 in `tests/fixtures/torch/conversions.json`. O(1).
 *
 * Edge cases: as {@linkcode round} (NaN stays NaN, overflow is ±Infinity, or NaN in fp8-e4m3).
 *
 * @throws {TypeError} when `semantics` is neither `"torch"` nor `"ieee"` (or `format` unknown).
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { convert } from "./convert.ts";
 * assertEquals(convert(464.00000000000006, "fp8-e4m3", "torch"), 448);
 * assertEquals(convert(464.00000000000006, "fp8-e4m3", "ieee"), NaN);
 * // fp32 lands on the tie between 1 and 1 + 2⁻¹⁰, and 1 is even:
 * assertEquals(convert(1 + 2 ** -11 + 2 ** -40, "fp16", "torch"), 1);
 * assertEquals(convert(1 + 2 ** -11 + 2 ** -40, "fp16", "ieee"), 1.0009765625);
 * ```
 */
export function convert(x: number, format: Format, semantics: Semantics): number {
  if (semantics === "torch") return format === "fp64" ? x : round(Math.fround(x), format);
  if (semantics === "ieee") return round(x, format);
  throw new TypeError(`semantics must be "torch" or "ieee", found ${JSON.stringify(semantics)}`);
}
