import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { renderLossPlot } from "../lib/plot/mod.ts";
import { findAll, parseXml, textOf, type XmlElement } from "./xml.ts";

type Spike = { index: number; direction: "up" | "down" };

/** Vertices of an SVG path written with absolute M/L commands, split into runs at each M. */
function runsOf(d: string): [number, number][][] {
  const runs: [number, number][][] = [];
  for (const [, cmd, x, y] of d.matchAll(/([ML])(-?[\d.]+) (-?[\d.]+)/g)) {
    if (cmd === "M") runs.push([]);
    runs[runs.length - 1].push([Number(x), Number(y)]);
  }
  return runs;
}

const byClass = (root: XmlElement, cls: string) =>
  collect(root).filter((e) => e.attributes.class === cls);

/** The loss line: the widest-spanning ld-line path (the legend's sample is 16 px). */
function curve(root: XmlElement): [number, number][][] {
  const paths = byClass(root, "ld-line").filter((e) => e.name === "path");
  return runsOf(
    paths.sort((a, b) => b.attributes.d.length - a.attributes.d.length)[0].attributes.d,
  );
}

/** A synthetic run: 10 epochs of 157 steps, decaying loss, a spike at each epoch's last step. */
function epochSeries(epochs = 10, perEpoch = 157) {
  const n = epochs * perEpoch;
  const steps = Array.from({ length: n }, (_, i) => i);
  const loss = steps.map((i) => 0.02 + 0.1 * Math.exp(-i / 400) + 0.002 * Math.sin(i * 1.7));
  const ends = Array.from({ length: epochs }, (_, e) => (e + 1) * perEpoch - 1);
  for (const i of ends) loss[i] *= 3;
  return { steps, loss, ends, spikes: ends.map((index): Spike => ({ index, direction: "up" })) };
}

Deno.test("the SVG is well-formed standalone SVG even with hostile title and caption", () => {
  const title = `</title><script>alert(1)</script> & "q" 'a' \u0000 \uD800 😀 ]]>`;
  const svg = renderLossPlot({
    steps: [0, 1, 2],
    loss: [1, 2, 3],
    spikes: [],
    title,
    caption: title + " <desc>",
  });
  const root = parseXml(svg);
  assertEquals(root.name, "svg");
  assertEquals(root.attributes.xmlns, "http://www.w3.org/2000/svg");
  assertEquals(root.attributes.viewBox, "0 0 960 540");
  assertEquals(findAll(root, "script").length, 0);
  const shown = textOf(findAll(root, "title")[0]);
  assertStringIncludes(shown, `</title><script>alert(1)</script> & "q" 'a'`);
  assertStringIncludes(shown, "😀 ]]>");
  assertStringIncludes(shown, "\uFFFD"); // the NUL and the lone surrogate
});

/** WCAG 2.1 contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16) / 255)
      .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

Deno.test("it is readable on light and dark viewers: WCAG contrast in both schemes", () => {
  const { steps, loss, spikes, ends } = epochSeries();
  const withDip = [...spikes, { index: 10, direction: "down" as const }];
  const loss2 = loss.map((v, i) => (i === 500 ? NaN : v));
  const root = parseXml(
    renderLossPlot({
      steps,
      loss: loss2,
      spikes: withDip,
      epochBoundaries: ends,
      title: "t",
      caption: "c",
    }),
  );
  // Light colours are presentation attributes (for renderers without CSS)...
  const first = root.children.find((c): c is XmlElement =>
    typeof c !== "string" && c.name === "rect"
  )!;
  assertEquals([first.attributes.width, first.attributes.height], ["960", "540"]);
  const light = new Map<string, string>();
  for (const e of collect(root)) {
    const cls = e.attributes.class;
    const color = e.attributes.stroke ?? e.attributes.fill;
    assert(!cls || color, `<${e.name} class="${cls}"> has no colour attribute`);
    if (cls) light.set(cls, color);
  }
  // ...dark ones come from the stylesheet's prefers-color-scheme: dark block.
  const css = textOf(findAll(root, "style")[0]);
  assertStringIncludes(css, "@media (prefers-color-scheme: dark)");
  const dark = new Map(
    [...css.matchAll(/\.(ld-[\w]+)\{(?:fill|stroke):(#[0-9a-f]{6})\}/g)].map((m) => [m[1], m[2]]),
  );
  for (const [scheme, colors] of [["light", light], ["dark", dark]] as const) {
    const bg = colors.get("ld-background")!;
    for (const cls of ["ld-text", "ld-muted"]) {
      const ratio = contrast(colors.get(cls)!, bg);
      assert(ratio >= 4.5, `${scheme} ${cls}: text contrast ${ratio.toFixed(2)} < 4.5`);
    }
    for (const cls of ["ld-line", "ld-spike", "ld-dip", "ld-axis", "ld-nonFinite"]) {
      const ratio = contrast(colors.get(cls)!, bg);
      assert(ratio >= 3, `${scheme} ${cls}: graphics contrast ${ratio.toFixed(2)} < 3`);
    }
  }
});

function collect(root: XmlElement): XmlElement[] {
  const out: XmlElement[] = [root];
  for (const c of root.children) if (typeof c !== "string") out.push(...collect(c));
  return out;
}

Deno.test("each spike is marked on the curve, on its epoch line", () => {
  const { steps, loss, spikes, ends } = epochSeries();
  const root = parseXml(
    renderLossPlot({ steps, loss, spikes, epochBoundaries: ends, title: "t", caption: "c" }),
  );
  const vertices = curve(root).flat().map(([x, y]) => `${x} ${y}`);
  const epochXs = runsOf(
    byClass(root, "ld-epoch").find((e) => e.name === "path" && e.attributes.d.length > 30)!
      .attributes.d,
  )
    .map((run) => run[0][0]);
  assertEquals(epochXs.length, 10);
  const markers = byClass(root, "ld-spike").filter((e) =>
    e.name === "circle" && e.attributes.r === "6"
  );
  assertEquals(markers.length, 10);
  for (const m of markers) {
    assert(vertices.includes(`${m.attributes.cx} ${m.attributes.cy}`), "marker off the curve");
    // Same pixel column (lines sit on column centres, x.5, to be crisp).
    const column = Math.floor(Number(m.attributes.cx));
    assert(epochXs.some((x) => Math.floor(x) === column), "marker off its epoch line");
  }
  assertStringIncludes(svgText(root), "spike (10)");
  assertStringIncludes(svgText(root), "epoch end");
});

function svgText(root: XmlElement): string {
  return findAll(root, "text").map(textOf).join("|");
}

Deno.test("a loss spanning decades gets a log axis: one decade, one fixed distance", () => {
  const steps = Array.from({ length: 1000 }, (_, i) => i);
  const loss = steps.map((i) => 10 * 10 ** (-4 * i / 999)); // 10 → 0.001
  const root = parseXml(renderLossPlot({ steps, loss, spikes: [], title: "t", caption: "c" }));
  assertStringIncludes(svgText(root), "loss (log scale)");
  const labels = findAll(root, "text").filter((t) => t.attributes["text-anchor"] === "end");
  const y = new Map(labels.map((t) => [textOf(t), Number(t.attributes.y)]));
  for (const label of ["0.001", "0.01", "0.1", "1", "10"]) assert(y.has(label), `no ${label} tick`);
  const gaps = ["0.001", "0.01", "0.1", "1", "10"].map((l) => y.get(l)!).map((v, k, a) =>
    a[k - 1] - v
  ).slice(1);
  for (const g of gaps) assert(Math.abs(g - gaps[0]) <= 0.2, `decades ${gaps} not evenly spaced`);
  // The straight line in log space is drawn straight: its vertices are collinear.
  const points = curve(root).flat();
  const [x0, y0] = points[0], [x1, y1] = points[points.length - 1];
  for (const [x, yy] of points) {
    assert(
      Math.abs(y0 + ((y1 - y0) * (x - x0)) / (x1 - x0) - yy) < 0.6,
      "not straight in log space",
    );
  }
});

Deno.test("a loss within one decade keeps a linear axis with 1-2-5 tick labels", () => {
  const { steps, loss } = epochSeries();
  const root = parseXml(renderLossPlot({ steps, loss, spikes: [], title: "t", caption: "c" }));
  const text = svgText(root);
  assert(!text.includes("log scale"));
  const labels = findAll(root, "text").filter((t) => t.attributes["text-anchor"] === "end").map(
    textOf,
  );
  const values = labels.map(Number);
  const step = values[1] - values[0];
  assert(
    values.every((v, k) => k === 0 || Math.abs(v - values[k - 1] - step) < 1e-9),
    labels.join(),
  );
  assert([0.01, 0.02, 0.05, 0.1].some((s) => Math.abs(s - step) < 1e-12), `step ${step}`);
});

Deno.test("a million points are thinned to a few thousand without losing a spike or the maximum", () => {
  const n = 1_000_000;
  const steps = new Float64Array(n), loss = new Float64Array(n);
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < n; i++) steps[i] = i, loss[i] = 1 + 0.1 * random();
  const spikes: Spike[] = [];
  for (let k = 0; k < 10; k++) {
    const i = 99_999 + k * 99_999;
    loss[i] = 2 + k / 10;
    spikes.push({ index: i, direction: "up" });
  }
  // A smaller spike 3 steps after a taller one shares its pixel column: M4 alone would drop it.
  loss[100_001] = 1.8;
  spikes.push({ index: 100_001, direction: "up" }, { index: 500_001, direction: "down" });
  loss[500_001] = 0.5;
  const svg = renderLossPlot({ steps, loss, spikes, title: "t", caption: "c" });
  assert(svg.length < 250_000, `${svg.length} bytes`);
  const root = parseXml(svg);
  const points = curve(root).flat();
  assert(points.length <= 6 * 900, `${points.length} vertices`);
  const circles = byClass(root, "ld-spike").filter((e) => e.attributes.r === "6");
  assertEquals(circles.length, 11);
  const vertices = new Set(points.map(([x, y]) => `${x} ${y}`));
  for (const c of circles) {
    assert(vertices.has(`${c.attributes.cx} ${c.attributes.cy}`), "spike lost");
  }
  const top = Math.min(...points.map(([, y]) => y));
  const highest = circles.find((c) => Number(c.attributes.cx) > 880)!;
  assertEquals(Number(highest.attributes.cy), top); // the global maximum, 2.9, is the top vertex
  assertEquals(byClass(root, "ld-dip").filter((e) => e.attributes.d?.includes("Z")).length, 1);
});

Deno.test("non-finite losses break the line and are counted and marked on the axis", () => {
  const steps = Array.from({ length: 300 }, (_, i) => i);
  const loss = steps.map((i) =>
    (i >= 100 && i < 110) || i === 200 ? NaN : i === 250 ? Infinity : 1 + i / 300
  );
  const root = parseXml(renderLossPlot({ steps, loss, spikes: [], title: "t", caption: "c" }));
  assertEquals(curve(root).length, 4); // [0,100), [110,200), (200,250), (250,300)
  assertStringIncludes(svgText(root), "non-finite (12)");
  const marks = byClass(root, "ld-nonFinite").filter((e) => e.name === "path");
  assert(marks.some((m) => runsOf(m.attributes.d.replaceAll("v-9", "")).length >= 3));
});

Deno.test("the period is drawn at phase + k·period steps when no epoch boundary is given", () => {
  const steps = Array.from({ length: 1000 }, (_, i) => i * 2); // steps 0..1998
  const loss = steps.map((s) => 1 + (s % 200 === 198 ? 1 : 0));
  const period = { period: 200, phase: 198 };
  const plain = parseXml(
    renderLossPlot({ steps, loss, spikes: [], period, title: "t", caption: "c" }),
  );
  const lines = byClass(plain, "ld-period").filter((e) =>
    e.name === "path" && e.attributes.d.length > 30
  );
  assertEquals(runsOf(lines[0].attributes.d).length, 10); // 198, 398, …, 1998
  assertStringIncludes(svgText(plain), "period 200 steps");
  const withEpochs = parseXml(
    renderLossPlot({
      steps,
      loss,
      spikes: [],
      period,
      epochBoundaries: [998, 1998],
      title: "t",
      caption: "c",
    }),
  );
  assertEquals(byClass(withEpochs, "ld-period").length, 0);
});

Deno.test("empty, all-NaN and bad inputs: a plot that says so, or a RangeError", () => {
  assertStringIncludes(
    renderLossPlot({ steps: [], loss: [], spikes: [], title: "t", caption: "c" }),
    "no data",
  );
  const nan = renderLossPlot({
    steps: [0, 1],
    loss: [NaN, NaN],
    spikes: [],
    title: "t",
    caption: "c",
  });
  parseXml(nan);
  assertStringIncludes(nan, "no finite value");
  parseXml(
    renderLossPlot({
      steps: [5],
      loss: [0.3],
      spikes: [{ index: 0, direction: "up" }],
      title: "",
      caption: "",
    }),
  );
  const base = { title: "t", caption: "c", spikes: [] as Spike[] };
  assertThrows(() => renderLossPlot({ ...base, steps: [0], loss: [1, 2] }), RangeError);
  assertThrows(() => renderLossPlot({ ...base, steps: [0, NaN], loss: [1, 2] }), RangeError);
  assertThrows(
    () =>
      renderLossPlot({ ...base, steps: [0], loss: [1], spikes: [{ index: 1, direction: "up" }] }),
    RangeError,
  );
  assertThrows(() => renderLossPlot({ ...base, steps: [0], loss: [1], width: 10 }), RangeError);
});
