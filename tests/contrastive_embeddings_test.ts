/** Embeddings mode: per-row losses op by op against fp64 and against facts about the formats. */
import { assert, assertAlmostEquals, assertEquals, assertLessOrEqual } from "@std/assert";
import { embeddingsLoss } from "../lib/contrastive/mod.ts";
import { ulpError } from "../lib/fp/mod.ts";
import { lcg, postContrastive, unitRows } from "./contrastive_helpers.ts";

type F = { id: string; severity: string };

Deno.test("normalised embeddings, τ = 0.05: framework finite in fp16 autocast, naive fp16 overflows", async () => {
  const rand = lcg(11);
  const q = unitRows(16, 32, rand);
  const k = q.map((row) => row.map((x) => x + 0.01 * (rand() - 0.5)));
  const auto = await postContrastive({ temperature: 0.05, precision: "fp16-autocast", q, k });
  assertEquals(auto.status, 200);
  assertEquals(auto.body.embeddings.first_nonfinite.stable, null);
  assert(auto.body.per_row.every((r: { stable: unknown }) => typeof r.stable === "number"));
  const naive = await postContrastive({
    temperature: 0.05,
    precision: "fp16",
    softmax: "naive",
    q,
    k: k.map((row) => {
      const n = Math.hypot(...row);
      return row.map((x) => x / n);
    }),
  });
  assertEquals(naive.body.embeddings.normalized, true);
  assertEquals(naive.body.embeddings.first_nonfinite.naive.stage, "exp");
  assertEquals(naive.body.embeddings.first_nonfinite.stable, null);
  // e^(cos/τ) with cos ≈ 1 is e^20 > 65504: every positive overflows in fp16.
  assert(
    naive.body.per_row.every((r: { naive: unknown }) =>
      r.naive === "Infinity" || r.naive === "NaN"
    ),
  );
  const f = naive.body.findings.find((x: F) => x.id === "naive-softmax-overflow");
  assertEquals(f.severity, "critical");
});

Deno.test("fp32 per-row losses are within a few fp32 ulps of the fp64 reference", () => {
  const rand = lcg(3);
  const q = Array.from({ length: 24 }, () => Array.from({ length: 16 }, () => rand() - 0.5));
  const k = q.map((row) => row.map((x) => x + 0.2 * (rand() - 0.5)));
  const r = embeddingsLoss(q, k, { kind: "temperature", value: 0.1 }, "fp32");
  let worst = 0;
  for (const row of r.per_row) {
    // the loss subtracts two logits of size ≤ 10, so its error is measured in ulps of those
    worst = Math.max(worst, Math.abs(row.stable - row.reference) / (2 ** -23 * 16));
  }
  assertLessOrEqual(worst, 4);
  // the independent per-row formula: log Σ_j exp(q_i·k_j/τ) − q_i·k_i/τ
  const i = 5;
  const logits = k.map((kj) => q[i].reduce((s, x, d) => s + x * kj[d], 0) / 0.1);
  const m = Math.max(...logits);
  const expected = m + Math.log(logits.reduce((s, l) => s + Math.exp(l - m), 0)) - logits[i];
  assertAlmostEquals(r.per_row[i].reference, expected, 1e-12);
  assertLessOrEqual(ulpError(Math.fround(r.per_row[i].reference), expected, "fp32"), 0.5);
});

Deno.test("un-normalised embeddings whose |q·k|/τ > 65504 overflow at the division, row and column named", async () => {
  const q = [[60, 0], [0, 60], [42, 42]];
  const k = [[60, 1], [1, 60], [42, 43]];
  const { body } = await postContrastive({ temperature: 0.05, precision: "fp16-autocast", q, k });
  // 60·60 = 3600 > 3275.2: row 0, column 0 is the first logit to overflow.
  assertEquals(body.embeddings.first_nonfinite.stable, {
    row: 0,
    column: 0,
    stage: "temperature",
    op: "/ temperature",
    operands: [3600, 0.05],
    value: "Infinity",
  });
  assertEquals(body.embeddings.normalized, false);
  assertEquals(body.stages_from, "embeddings");
  assertEquals(body.first_overflow.stage, "temperature");
  const found = body.findings.map((x: F) => x.id);
  assert(found.includes("logit-overflow") && found.includes("no-l2-normalization"));
  assertEquals(body.per_row[2].stable, "NaN");
});
