import { assert, assertEquals, assertThrows } from "@std/assert";
import fc from "fast-check";
import {
  axisFor,
  escapeXml,
  formatTick,
  linearTicks,
  logTicks,
  thinForPlot,
  wrapText,
} from "../lib/plot/mod.ts";
import { parseXml, textOf } from "./xml.ts";

/** m·10^k with m in {1, 2, 5}, allowing for floating-point noise. */
function isOneTwoFive(step: number): boolean {
  const k = Math.floor(Math.log10(step) + 1e-9);
  const m = step / 10 ** k;
  return [1, 2, 5, 10].some((c) => Math.abs(m - c) < 1e-6);
}

Deno.test("the well-formedness checker rejects what XML parsers reject", () => {
  for (
    const bad of [
      "<a><b></a></b>",
      '<a x="1" x="2"/>',
      "<a>fish & chips</a>",
      "<a>1 < 2</a>",
      "<a/><b/>",
      "<a>",
      "<a x=1/>",
      "<a>\u0000</a>",
      "<a>&nbsp;</a>",
    ]
  ) {
    assertThrows(() => parseXml(bad), SyntaxError, undefined, bad);
  }
  const ok = parseXml(`<?xml version="1.0"?><a k="&lt;&amp;"><!-- c --><b/>x &#x3c; y</a>`);
  assertEquals(ok.attributes.k, "<&");
  assertEquals(textOf(ok), "x < y");
});

Deno.test("linear ticks fall on hand-checked 1-2-5 steps", () => {
  assertEquals(linearTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assertEquals(linearTicks(0.13, 0.35), [0.15, 0.2, 0.25, 0.3, 0.35]);
  assertEquals(linearTicks(-3, 7), [-2, 0, 2, 4, 6]);
  assertEquals(linearTicks(0, 1569, 9), [0, 200, 400, 600, 800, 1000, 1200, 1400]);
  assertEquals(linearTicks(4, 4), [4]);
  assertThrows(() => linearTicks(1, 0), RangeError);
  assertThrows(() => linearTicks(0, Infinity), RangeError);
});

// With 5 asked, the raw step span/5 is rounded to 1-2-5 by a factor within [2/3.5, 5/3.5]
// (the worst cases: mantissa 3.49 → 2, and 3.5 → 5), so the span holds 3.5 to 8.75 steps:
// 3 to 9 ticks.
Deno.test("linear ticks: equal 1-2-5 spacing, inside the range, 3 to 9 of them for 5 asked", () => {
  fc.assert(
    fc.property(
      fc.double({ min: -1e9, max: 1e9, noNaN: true }),
      fc.double({ min: 1e-6, max: 1e9, noNaN: true }),
      (min, span) => {
        const max = min + span;
        fc.pre(max > min && Math.abs(min) / span < 1e6); // a span resolvable in a double
        const ticks = linearTicks(min, max);
        assert(ticks.length >= 3 && ticks.length <= 9, `${ticks.length} ticks on [${min}, ${max}]`);
        const step = ticks[1] - ticks[0];
        assert(isOneTwoFive(step), `step ${step}`);
        for (let k = 1; k < ticks.length; k++) {
          assert(Math.abs(ticks[k] - ticks[k - 1] - step) <= 1e-6 * step, "uneven ticks");
        }
        const slack = 1e-9 * Math.max(Math.abs(min), Math.abs(max), span);
        assert(ticks[0] >= min - slack && ticks[ticks.length - 1] <= max + slack, "tick outside");
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("log ticks are powers of ten, with 2× and 5× added when fewer than three fit", () => {
  assertEquals(logTicks(0.001, 10), [0.001, 0.01, 0.1, 1, 10]);
  assertEquals(logTicks(0.0105, 0.35), [0.02, 0.05, 0.1, 0.2]);
  assertEquals(logTicks(0.04, 2), [0.05, 0.1, 0.2, 0.5, 1, 2]); // two powers of ten only
  assertEquals(logTicks(3, 4), [3]); // no 1-2-5 value inside: the bound itself
  // Any range wider than a factor 2.5 (the widest gap in 1, 2, 5, 10) holds a 1-2-5 tick.
  assertThrows(() => logTicks(0, 1), RangeError);
  fc.assert(
    fc.property(
      fc.double({ min: -30, max: 30, noNaN: true }),
      fc.double({ min: 0.4, max: 20, noNaN: true }),
      (a, d) => {
        const min = 10 ** a, max = 10 ** (a + d);
        for (const t of logTicks(min, max)) {
          assert(isOneTwoFive(t), `tick ${t}`);
          assert(
            t >= min * (1 - 1e-9) && t <= max * (1 + 1e-9),
            `tick ${t} outside [${min}, ${max}]`,
          );
        }
      },
    ),
  );
});

Deno.test("tick labels: decimals of the step, SI suffixes for steps, exponents for tiny values", () => {
  assertEquals(formatTick(0.15, 0.05), "0.15");
  assertEquals(formatTick(0.2, 0.05), "0.20");
  assertEquals(formatTick(1400, 200), "1400");
  assertEquals(formatTick(200_000, 200_000), "200k");
  assertEquals(formatTick(1_200_000, 200_000), "1.2M");
  assertEquals(formatTick(2e-5, 2e-5), "2e-5");
  assertEquals(formatTick(0, 0.5), "0");
});

Deno.test("the y axis is logarithmic only for positive values spanning more than 1.5 decades", () => {
  assertEquals(axisFor([10, 1, 0.01]).kind, "log"); // 3 decades
  assertEquals(axisFor([1, 0.05]).kind, "linear"); // 1.3 decades
  assertEquals(axisFor([10, 0, 0.01]).kind, "linear"); // a zero has no logarithm
  assertEquals(axisFor([10, -0, 0.01]).kind, "linear");
  assertEquals(axisFor([10, -1, 0.01]).kind, "linear");
  assertEquals(axisFor([NaN, 2, Infinity, 0.002, -Infinity]).kind, "log"); // non-finite ignored
  assertEquals(axisFor([NaN]).domain, [0, 1]);
  const log = axisFor([100, 0.01]);
  assert(log.toUnit(100) < 1 && log.toUnit(0.01) > 0, "data inside the domain");
  // Equal ratios are equal distances on a log axis.
  const a = log.toUnit(1) - log.toUnit(0.1), b = log.toUnit(10) - log.toUnit(1);
  assert(Math.abs(a - b) < 1e-12);
});

/** Independent reference: per column, min and max of the finite values, by brute force. */
function columnExtremes(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  idx: Iterable<number>,
  buckets: number,
) {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < x.length; i++) lo = Math.min(lo, x[i]), hi = Math.max(hi, x[i]);
  type Column = { min: number; max: number; first: number; last: number; nonFinite: boolean };
  const cols = new Map<number, Column>();
  for (const i of idx) {
    const c = hi > lo ? Math.min(buckets - 1, Math.floor(((x[i] - lo) / (hi - lo)) * buckets)) : 0;
    const e = cols.get(c) ??
      { min: Infinity, max: -Infinity, first: Infinity, last: -Infinity, nonFinite: false };
    if (Number.isFinite(y[i])) {
      e.min = Math.min(e.min, y[i]), e.max = Math.max(e.max, y[i]);
      e.first = Math.min(e.first, i), e.last = Math.max(e.last, i);
    } else {
      e.nonFinite = true;
    }
    cols.set(c, e);
  }
  return cols;
}

Deno.test("thinning keeps spikes, global extremes, each column's first/last/min/max and gaps", () => {
  const value = fc.oneof(
    { weight: 6, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
  );
  fc.assert(
    fc.property(
      fc.array(value, { minLength: 0, maxLength: 2000, size: "max" }),
      fc.integer({ min: 1, max: 60 }),
      fc.boolean(),
      fc.array(fc.nat(), { maxLength: 20 }),
      (y, buckets, uneven, rawKeep) => {
        const n = y.length;
        const x = y.map((_, i) => (uneven ? i * i * 0.5 : i * 10));
        const keep = n > 0 ? rawKeep.map((k) => k % n) : [];
        const kept = thinForPlot(x, y, buckets, keep);
        for (let j = 1; j < kept.length; j++) assert(kept[j] > kept[j - 1], "sorted, unique");
        for (const k of keep) assert(kept.includes(k), `spike ${k} lost`);
        assert(
          kept.length <= Math.max(n, 0) &&
            kept.length <= Math.max(6 * buckets + keep.length, 4 * buckets),
        );
        const finite = y.filter(Number.isFinite);
        if (finite.length > 0) {
          const values = kept.map((i) => y[i]);
          assert(values.includes(Math.min(...finite)), "global min lost");
          assert(values.includes(Math.max(...finite)), "global max lost");
        }
        // A gap (non-finite values) between two consecutive kept finite points is invisible:
        // it only happens inside one pixel column (x is increasing here).
        const column = (i: number) =>
          Math.min(buckets - 1, Math.floor(((x[i] - x[0]) / (x[n - 1] - x[0])) * buckets));
        for (let j = 1; j < kept.length; j++) {
          const a = kept[j - 1], b = kept[j];
          if (!Number.isFinite(y[a]) || !Number.isFinite(y[b])) continue;
          const gap = y.slice(a + 1, b).some((v) => !Number.isFinite(v));
          assert(!gap || column(a) === column(b), `a gap between ${a} and ${b} is not kept`);
        }
        const all = columnExtremes(x, y, y.keys(), buckets);
        const thin = columnExtremes(x, y, kept, buckets);
        for (const [c, e] of all) {
          assertEquals(thin.get(c), e, `column ${c} differs`);
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("escaped text survives an XML parser unchanged, minus the characters XML forbids", () => {
  const text = `a<b>&c"d'e ]]> 😀 tab\there`;
  const root = parseXml(`<t a="${escapeXml(text)}">${escapeXml(text)}</t>`);
  assertEquals(textOf(root), text);
  assertEquals(root.attributes.a, text);
  // NUL, a form feed, a lone high and a lone low surrogate, U+FFFF: not XML characters at all.
  assertEquals(escapeXml("x\u0000\u000C\uD800y\uDC00\uFFFF"), "x\uFFFD\uFFFD\uFFFDy\uFFFD\uFFFD");
  assertEquals(escapeXml(""), "");
});

Deno.test("captions wrap at spaces within the width and end with an ellipsis when cut", () => {
  assertEquals(wrapText("the last batch of each epoch", 12, 2), ["the last", "batch of…"]);
  assertEquals(wrapText("the last batch of each epoch", 12, 5), [
    "the last",
    "batch of",
    "each epoch",
  ]);
  assertEquals(wrapText("abcdefghij", 4, 5), ["abcd", "efgh", "ij"]);
  assertEquals(wrapText("one\ntwo", 40, 5), ["one", "two"]);
  assertEquals(wrapText("", 10, 3), []);
  const words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod".split(" ");
  for (let width = 11; width < 40; width++) {
    const lines = wrapText(words.join(" "), width, 100);
    assert(lines.every((l) => l.length <= width), `a line longer than ${width}`);
    assertEquals(lines.join(" ").split(" "), words); // no word lost, none cut
  }
});
