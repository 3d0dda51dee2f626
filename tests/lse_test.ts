/**
 * The log-sum-exp family against facts derivable by hand (IEEE overflow thresholds, exact sums,
 * closed forms) and against the fp64 reference.
 */
import { assert, assertAlmostEquals, assertEquals, assertLessOrEqual } from "@std/assert";
import { FP16_LOG_MAX, round, ulpError } from "../lib/fp/mod.ts";
import {
  infoNceLoss,
  logSoftmax,
  logSumExp,
  LSE_METHODS,
  referenceLogSumExp,
  softmax,
} from "../lib/lse/mod.ts";

Deno.test("naive fp16 log-sum-exp overflows exactly past ln 65504 ≈ 11.09; stable stays finite", () => {
  // fp16 values around ln 65504 = 11.0898: the spacing there is 2^-7.
  const below = 11.0859375; // largest fp16 value below ln 65504
  const above = 11.09375; // the next fp16 value: e^11.09375 ≈ 65753 > 65520 rounds to inf
  assert(below < FP16_LOG_MAX && above > FP16_LOG_MAX);
  const ok = logSumExp([below], { method: "naive", format: "fp16" });
  assertEquals(ok.value, below);
  assertEquals(ok.trace, null);
  const bad = logSumExp([above, 0], { method: "naive", format: "fp16" });
  assertEquals(bad.value, Infinity);
  assertEquals(bad.trace, {
    stage: "exp",
    index: 0,
    operands: [above],
    value: Infinity,
    format: "fp16",
  });
  for (const method of ["stable", "online"] as const) {
    const r = logSumExp([above, 0], { method, format: "fp16" });
    assertEquals(r.trace, null);
    assertEquals(r.value, above); // log(1 + e^-11.09) ≈ 1.5e-5 is below half an ulp of 11.09
    assertEquals(logSumExp([65504, 0, -65504], { method, format: "fp16" }).value, 65504);
  }
});

Deno.test("the naive sum overflows fp16 when two e^11 ≈ 59872 are added, in either accumulator", () => {
  const fp16Acc = logSumExp([11, 11, 0], { method: "naive", format: "fp16" });
  assertEquals(fp16Acc.trace?.stage, "sum");
  assertEquals(fp16Acc.trace?.index, 1);
  assertEquals(fp16Acc.trace?.operands, [59872, 59872]); // fp16(e^11) = 59872
  // An fp32 accumulator holds 119744, but storing the sum back in fp16 overflows.
  const fp32Acc = logSumExp([11, 11, 0], { method: "naive", format: "fp16", accumulate: "fp32" });
  assertEquals(fp32Acc.trace?.stage, "sum");
  assertEquals(fp32Acc.trace?.index, null);
  assertEquals(fp32Acc.value, Infinity);
});

Deno.test("an fp16 accumulator stalls at 2048 (2048 + 1 ties to 2048); fp32 does not", () => {
  const zeros = new Array(4096).fill(0);
  const stalled = logSumExp(zeros, { method: "stable", format: "fp16" });
  assertEquals(stalled.value, round(Math.log(2048), "fp16"));
  const right = logSumExp(zeros, { method: "stable", format: "fp16", accumulate: "fp32" });
  assertEquals(right.value, round(Math.log(4096), "fp16"));
  assertEquals(right.value, 8.3203125);
});

Deno.test("an input the format cannot hold is reported at stage input; inf − inf is NaN under ieee", () => {
  const r = logSumExp([70000, 1], { method: "stable", format: "fp16" });
  assertEquals(r.trace, {
    stage: "input",
    index: 0,
    operands: [70000],
    value: Infinity,
    format: "fp16",
  });
  assertEquals(r.value, Infinity); // torch.logsumexp takes the infinite max as 0
  const ieee = logSumExp([70000, 1], { method: "stable", format: "fp16", semantics: "ieee" });
  assert(Number.isNaN(ieee.value));
  const o = logSumExp([1, 70000], { method: "online", format: "fp16" });
  assert(Number.isNaN(o.value));
  assertEquals(
    logSumExp([-Infinity, -Infinity], { method: "stable", format: "fp32" }).value,
    -Infinity,
  );
  assertEquals(logSumExp([-Infinity, 2], { method: "online", format: "fp32" }).value, 2);
});

Deno.test("a masked −Infinity input is not traced; the naive exp overflow still is", () => {
  const stable = logSumExp([12, 0, -Infinity], { method: "stable", format: "fp16" });
  assertEquals(stable, { value: 12, trace: null });
  const online = logSumExp([-Infinity, 12, 0], { method: "online", format: "fp16" });
  assertEquals(online, { value: 12, trace: null });
  const naive = logSumExp([-Infinity, 12, 0], { method: "naive", format: "fp16" });
  assertEquals(naive.trace?.stage, "exp");
  assertEquals(naive.trace?.index, 1);
  // All masked: log(0) creates the −Infinity, and that is where the trace points.
  const all = logSumExp([-Infinity, -Infinity], { method: "stable", format: "fp32" });
  assertEquals(all.trace?.stage, "log");
  assertEquals(all.trace?.operands, [0]);
});

Deno.test("online equals stable bit for bit when the max comes first (no rescale is ever needed)", () => {
  let seed = 99;
  const rand = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  for (let trial = 0; trial < 200; trial++) {
    const x = Array.from({ length: 1 + Math.floor(rand() * 64) }, () => (rand() - 0.5) * 40);
    x.sort((a, b) => b - a);
    for (const format of ["fp16", "bf16", "fp32"] as const) {
      const s = logSumExp(x, { method: "stable", format, accumulate: "fp32" });
      const o = logSumExp(x, { method: "online", format, accumulate: "fp32" });
      assert(Object.is(s.value, o.value), `${format}: ${s.value} vs ${o.value} on ${x}`);
    }
  }
});

Deno.test("stable and online in fp32 are within 1 ulp of the fp64 reference on random vectors", () => {
  let seed = 4242;
  const rand = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  let worst = 0;
  for (let trial = 0; trial < 2000; trial++) {
    const n = 1 + Math.floor(rand() * 32);
    const x = Array.from({ length: n }, () => Math.fround((rand() - 0.5) * 200));
    const reference = referenceLogSumExp(x);
    for (const method of ["stable", "online"] as const) {
      const v = logSumExp(x, { method, format: "fp32", accumulate: "fp32" }).value;
      worst = Math.max(worst, ulpError(v, reference, "fp32"));
    }
  }
  assertLessOrEqual(worst, 1);
});

Deno.test("the fp64 reference matches closed forms", () => {
  assertEquals(referenceLogSumExp([1000, 1000]), 1000 + Math.LN2);
  assertAlmostEquals(referenceLogSumExp(new Array(128).fill(0)), Math.log(128), 1e-15);
  assertEquals(referenceLogSumExp([1000, 0]), 1000);
  assertAlmostEquals(referenceLogSumExp([0, -50]), Math.log1p(Math.exp(-50)), 1e-30);
  assertEquals(referenceLogSumExp([Infinity, 1]), Infinity);
  assert(Number.isNaN(referenceLogSumExp([NaN, 1])));
  for (const method of LSE_METHODS) {
    assertEquals(
      logSumExp([1000, 1000], { method, format: "fp64" }).value === Infinity,
      method === "naive",
    );
  }
});

Deno.test("softmax: naive fp16 overflows at e^20; stable gives [1, 0]; probabilities sum to 1", () => {
  const naive = softmax([20, 0], { method: "naive", format: "fp16" });
  assertEquals(naive.trace?.stage, "exp");
  assertEquals(naive.trace?.operands, [20]);
  assert(Number.isNaN(naive.value[0])); // inf / inf
  const stable = softmax([20, 0], { method: "stable", format: "fp16" });
  assertEquals(stable.value, [1, 0]); // e^-20 ≈ 2.1e-9 is below fp16's smallest subnormal 6e-8
  const p = softmax([1, 2, 3, 4], { method: "online", format: "fp64" }).value;
  assertAlmostEquals(p.reduce((a, b) => a + b, 0), 1, 1e-15);
  assertAlmostEquals(p[3] / p[2], Math.E, 1e-14);
});

Deno.test("log_softmax and InfoNCE at uniform logits give −ln B and ln B, correctly rounded", () => {
  const ls = logSoftmax([0, 0, 0, 0], { method: "stable", format: "fp32" }).value;
  assertEquals(ls, new Array(4).fill(Math.fround(-Math.log(4))));
  const row = new Array(128).fill(0);
  for (const method of LSE_METHODS) {
    assertEquals(infoNceLoss(row, 5, { method, format: "fp32" }).value, Math.fround(Math.log(128)));
  }
});

Deno.test("InfoNCE: a dominant positive gives 0 in fp32, a dominant negative the logit gap", () => {
  assertEquals(infoNceLoss([30, 0, 0, 0], 0, { method: "stable", format: "fp32" }).value, 0);
  // loss = log(e^0 + e^40) − 0 ≈ 40 (+ 4e-18)
  assertEquals(infoNceLoss([0, 40], 0, { method: "stable", format: "fp32" }).value, 40);
  // naive fp16: e^40 overflows → the loss is inf, and the trace names the exp of column 1
  const naive = infoNceLoss([0, 40], 0, { method: "naive", format: "fp16" });
  assertEquals(naive.value, Infinity);
  assertEquals(naive.trace?.index, 1);
});

Deno.test("bad input: empty vectors and out-of-range targets are RangeErrors", () => {
  let message = "";
  try {
    logSumExp([], { method: "stable", format: "fp16" });
  } catch (e) {
    message = e instanceof RangeError ? e.message : "";
  }
  assert(message.includes("empty"));
  try {
    infoNceLoss([1, 2], 2, { method: "stable", format: "fp16" });
    message = "";
  } catch (e) {
    message = e instanceof RangeError ? e.message : "";
  }
  assert(message.includes("target"));
});
