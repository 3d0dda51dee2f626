/**
 * NaN the forward pass makes without an overflow, and NaN that is not the forward pass's at all,
 * held to PyTorch's records (tests/fixtures/contrastive/pytorch/records.json, written by
 * record.py beside it).
 */
import { assert, assertAlmostEquals, assertEquals, assertStringIncludes } from "@std/assert";
import {
  checkMaskFill,
  checkNormalization,
  FP16_ADAM_SILENT_GRADIENT,
  NORMALIZE_EPS,
  normalizeFormat,
  positiveSets,
  rowNorm,
} from "../lib/contrastive/mod.ts";
import { round } from "../lib/fp/mod.ts";
import { postContrastive } from "./contrastive_helpers.ts";

const torch = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/contrastive/pytorch/records.json", import.meta.url)),
);
type F = { id: string; severity: string; evidence: string; remedies: string[] };
const num = (v: number | string) => (typeof v === "number" ? v : Number(v));
const DTYPE = { fp16: "float16", bf16: "bfloat16", fp32: "float32" } as const;

Deno.test("F.normalize's and Adam's eps written in each format are what torch writes", () => {
  const values = torch.eps_in_format.values;
  for (const [name, eps] of [["normalize_eps_1e-12", 1e-12], ["adam_eps_1e-8", 1e-8]] as const) {
    for (const [format, dtype] of Object.entries(DTYPE)) {
      assertEquals(round(eps, format as "fp16"), values[name][dtype], `${name} in ${format}`);
    }
  }
  assertEquals(round(NORMALIZE_EPS, "fp16"), 0);
});

Deno.test("F.normalize of a zero row is NaN in pure fp16 only; its other rows as torch has them", () => {
  const rec = torch.normalize_rows;
  const rows: number[][] = [0, 1, 2, 3].map((i) => rec.rows.slice(4 * i, 4 * i + 4).map(num));
  for (
    const [precision, dtype] of [["fp16", "float16"], ["bf16", "bfloat16"], [
      "fp32",
      "float32",
    ]] as const
  ) {
    const format = normalizeFormat(precision);
    rows.forEach((row, i) => {
      const norm = rowNorm(row, format, format);
      const check = checkNormalization(norm, precision);
      const expectNan = Number.isNaN(num(rec[dtype][4 * i]));
      assertEquals(check.outcome === "nan", expectNan, `${precision} row ${i}`);
      if (!expectNan && norm > check.eps) {
        const unit = row.map((x) => round(round(x, format) / norm, format));
        unit.forEach((x, d) =>
          assertEquals(x, num(rec[dtype][4 * i + d]), `${precision} ${i},${d}`)
        );
      }
    });
  }
  // Under autocast the norm runs in fp32 (fp32_append_dtype): a zero row is divided by eps.
  assertEquals(checkNormalization(0, "fp16-autocast").outcome, "divided-by-eps");
});

Deno.test("a zero row stated as min_norm: critical in fp16, a warning under autocast", async () => {
  const base = { temperature: 0.1, normalized: true, min_norm: 0, batch_size: 16 };
  const pure = await postContrastive({ ...base, precision: "fp16" });
  const f = pure.body.findings.find((x: F) => x.id === "zero-norm-embedding");
  assertEquals(f.severity, "critical");
  assertStringIncludes(f.evidence, "0/0");
  const auto = await postContrastive({ ...base, precision: "fp16-autocast" });
  assertEquals(
    auto.body.findings.find((x: F) => x.id === "zero-norm-embedding").severity,
    "warning",
  );
  const fine = await postContrastive({ ...base, min_norm: 0.5, precision: "fp16" });
  assert(!fine.body.findings.some((x: F) => x.id === "zero-norm-embedding"));
});

Deno.test("the SupCon labels of SupContrast#141 leave anchors 0 and 3 without positives, as torch's loss does", async () => {
  const rec = torch.supcon_no_positive;
  const sets = positiveSets(rec.labels, 1);
  const nanRows = rec.loss_per_anchor.flatMap((v: number | string, i: number) =>
    Number.isNaN(num(v)) ? [i] : []
  );
  assertEquals(sets.rows_without_positive, nanRows);
  assertEquals(sets.min_positives, Math.min(...rec.positives_per_anchor));
  assertEquals(positiveSets(rec.labels, 2).rows_without_positive, []);
  const { body } = await postContrastive({
    temperature: 0.8,
    labels: rec.labels,
    views: 2,
    normalized: true,
    precision: "fp32",
  });
  assertEquals(body.loss, "supcon");
  assertEquals(body.supervised.min_positives, 1);
  assert(!body.findings.some((x: F) => x.id === "empty-positive-set"));
});

Deno.test("a -1e9 mask fill overflows fp16 (torch raises) and fits bf16 and fp32", () => {
  const rec = torch.mask_fill["masked_fill_-1e9"];
  for (
    const [precision, dtype] of [["fp16", "float16"], ["bf16", "bfloat16"], [
      "fp32",
      "float32",
    ]] as const
  ) {
    assertEquals(
      checkMaskFill(-1e9, precision).outcome === "overflows",
      rec[dtype] !== null,
      precision,
    );
  }
  assertStringIncludes(rec.float16, "at::Half without overflow");
  assertEquals(
    checkMaskFill(-1e4, "fp16").written,
    num(torch.mask_fill["masked_fill_-1e4_float16"][0]),
  );
  assertEquals(checkMaskFill(-Infinity, "fp32").outcome, "infinite");
  // The -inf it becomes is NaN where a 0 of a mask multiplies it, and in a fully masked row.
  assert(Number.isNaN(num(torch.mask_fill.off_diagonal_mask_times_log_prob[0])));
  assert(torch.mask_fill.fully_masked_row_log_softmax.every((v: string) => v === "NaN"));
});

Deno.test("Adam's second moment vanishes in fp16 below |g| ≈ 5.5e-3: torch's step sends such a weight to -inf", async () => {
  const rec = torch.adam_half_step;
  assert(5e-3 < FP16_ADAM_SILENT_GRADIENT && FP16_ADAM_SILENT_GRADIENT < 6e-3);
  assertEquals(rec["grad_5e-3_eps_1e-8"].exp_avg_sq[0], 0);
  assertEquals(rec["grad_5e-3_eps_1e-8"].param[0], "-Infinity");
  assert(rec["grad_6e-3_eps_1e-8"].exp_avg_sq[0] > 0);
  assertEquals(rec["grad_1e-5_eps_1e-4"].param[0], 1); // an eps fp16 holds keeps the step finite
  const { body } = await postContrastive({
    temperature: 1,
    normalized: true,
    batch_size: 8,
    precision: "fp16",
    optimizer: { type: "adam" },
    trajectory: [{ step: 0, loss: 2 }, { step: 1, loss: "NaN" }],
  });
  const f = body.findings.find((x: F) => x.id === "nan-without-overflow");
  assertStringIncludes(f.evidence, "0.0055");
  assertStringIncludes(f.remedies.join(" "), "eps=1e-4");
});

Deno.test("a NaN under autocast with a finite forward pass points to GradScaler, not to Adam's eps", async () => {
  const { body } = await postContrastive({
    temperature: 0.05,
    normalized: true,
    batch_size: 256,
    precision: "fp16-autocast",
    trajectory: [{ step: 10, loss: 4.1 }, { step: 11, loss: "NaN" }],
  });
  const f = body.findings.find((x: F) => x.id === "nan-without-overflow");
  assertEquals(f.severity, "critical");
  assertStringIncludes(f.remedies.join(" "), "GradScaler");
  assert(!f.remedies.join(" ").includes("eps="));
  assertEquals(body.nan_origin, { step: 11, verdict: "no-overflow" });
  assertEquals(body.forecast, null);
  // The same NaN where the configuration overflows is the overflow, not this finding.
  const over = await postContrastive({
    temperature: 0.05,
    q_norm: 95.8,
    k_norm: 93.5,
    batch_size: 256,
    precision: "fp16-autocast",
    trajectory: [{ step: 10, loss: 4.1 }, { step: 11, loss: "NaN" }],
  });
  assertEquals(over.body.nan_origin.verdict, "overflow");
  assert(!over.body.findings.some((x: F) => x.id === "nan-without-overflow"));
  assertAlmostEquals(over.body.first_overflow.safe_dot_limit, 3275.2, 1e-9);
});

Deno.test("the exp of cos/τ at τ = 0.01 overflows fp32 where torch's e^(1/τ) does: safe |q·k| = 0.01·ln(FP32_MAX)", async () => {
  const rec = torch.exp_overflow;
  assert(rec["math_e_pow_1_over_0.01"] > 3.4028234663852886e38);
  assertStringIncludes(rec.fill_float_tensor_error, "float without overflow");
  const { body } = await postContrastive({
    temperature: 0.01,
    normalized: true,
    batch_size: 256,
    precision: "fp32",
    softmax: "naive",
  });
  assertEquals(body.first_overflow.stage, "exp");
  assertAlmostEquals(body.first_overflow.safe_dot_limit, 0.01 * rec.float32_max_log, 1e-12);
});
