/**
 * The loss plot as a person sees it: rendered by headless Chromium, read back pixel by pixel.
 * The PNGs are kept in tests/artifacts/ (gitignored) to be looked at.
 */
import { assert, assertEquals } from "@std/assert";
import { renderLossPlot } from "../lib/plot/mod.ts";
import { chromiumPath, screenshot } from "./chromium.ts";
import { decodePng, type Image, pixel } from "./png.ts";

const artifacts = new URL("./artifacts/", import.meta.url);
const ignore = !chromiumPath;

/** Writes `svg` to tests/artifacts/<name>.svg, screenshots it, returns the decoded PNG. */
async function shoot(name: string, svg: string, flags: string[] = [], minBytes = 10_000) {
  await Deno.mkdir(artifacts, { recursive: true });
  const svgFile = new URL(`${name}.svg`, artifacts);
  await Deno.writeTextFile(svgFile, svg);
  const png = await screenshot(svgFile.href, new URL(`${name}.png`, artifacts).pathname, { flags });
  assert(png.length > minBytes, `a ${png.length}-byte PNG is too small to hold a plot`);
  return decodePng(png);
}

const near = (a: number[], b: number[], tolerance: number) =>
  a.every((v, k) => Math.abs(v - b[k]) <= tolerance);
const hex = (h: string) => [1, 3, 5].map((k) => parseInt(h.slice(k, k + 2), 16));

/** Column ranges (x) holding pixels of `color` below `yFrom`, as their centre x. */
function markerColumns(image: Image, color: number[], yFrom: number): number[] {
  const hit: boolean[] = [];
  for (let x = 0; x < image.width; x++) {
    for (let y = yFrom; y < image.height && !hit[x]; y++) {
      if (near(pixel(image, x, y), color, 24)) hit[x] = true;
    }
  }
  const centres: number[] = [];
  for (let x = 0; x < image.width; x++) {
    if (!hit[x]) continue;
    let end = x;
    while (hit[end + 1]) end++;
    centres.push((x + end) / 2);
    x = end;
  }
  return centres;
}

/** Whether column x (±1) holds pixels of the epoch lines' colour inside the plot. */
function hasEpochLine(image: Image, x: number, color: number[]): boolean {
  for (let dx = -1; dx <= 1; dx++) {
    let count = 0;
    for (let y = 70; y < 450; y++) {
      if (near(pixel(image, Math.round(x) + dx, y), color, 8)) count++;
    }
    if (count > 20) return true;
  }
  return false;
}

/** The markers' pixel centres are evenly spaced (the epochs are), each on an epoch line. */
function assertTenMarkersOnEpochLines(image: Image, spike: string, epoch: string) {
  const centres = markerColumns(image, hex(spike), 60); // below the legend row
  assertEquals(centres.length, 10, `marker columns at ${centres}`);
  const gaps = centres.slice(1).map((c, k) => c - centres[k]);
  const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
  for (const g of gaps) assert(Math.abs(g - mean) <= 1.5, `uneven markers: gaps ${gaps}`);
  for (const c of centres) assert(hasEpochLine(image, c, hex(epoch)), `no epoch line at x=${c}`);
}

Deno.test({
  name: "the PNG decoder reads Chromium's screenshot of known shapes exactly",
  ignore,
  fn: async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200">` +
      `<rect width="300" height="200" fill="#ffffff"/><rect x="10" y="20" width="30" height="40" ` +
      `fill="#cf222e"/><rect x="200" y="100" width="50" height="50" fill="#1f6feb"/></svg>`;
    const image: Image = await shoot("decoder_calibration", svg, [], 1000);
    assertEquals([image.width, image.height], [1000, 600]);
    assertEquals(pixel(image, 25, 40), [0xcf, 0x22, 0x2e]);
    assertEquals(pixel(image, 225, 125), [0x1f, 0x6f, 0xeb]);
    assertEquals(pixel(image, 100, 100), [255, 255, 255]);
  },
});

Deno.test({
  name: "a synthetic run with 10 spikes at epoch ends shows 10 markers on 10 epoch lines",
  ignore,
  fn: async () => {
    const perEpoch = 200, epochs = 10, n = perEpoch * epochs;
    const steps = Array.from({ length: n }, (_, i) => i);
    const loss = steps.map((i) => 0.05 + 2 * Math.exp(-i / 150) + 0.01 * Math.sin(i));
    const ends = Array.from({ length: epochs }, (_, e) => (e + 1) * perEpoch - 1);
    for (const i of ends) loss[i] *= 2.5;
    const svg = renderLossPlot({
      steps,
      loss,
      spikes: ends.map((index) => ({ index, direction: "up" as const })),
      epochBoundaries: ends,
      title: "Synthetic: a spike at the last step of every epoch",
      caption: "10 spikes, period 200 steps, each on the last batch of an epoch.",
    });
    const light = await shoot("loss_plot_synthetic", svg);
    assertTenMarkersOnEpochLines(light, "#cf222e", "#8c959f");
    assertEquals(pixel(light, 4, 4), [255, 255, 255]);
    const dark = await shoot("loss_plot_synthetic_dark", svg, ["--force-dark-mode"]);
    assertTenMarkersOnEpochLines(dark, "#ff7b72", "#6e7681");
    assertEquals(pixel(dark, 4, 4), hex("#16181d"));
  },
});

Deno.test({
  name: "ssd_double_norm.json: the ten last-batch steps of its facts are marked on epoch lines",
  ignore,
  fn: async () => {
    const fixture = JSON.parse(
      await Deno.readTextFile(
        new URL("./fixtures/pytorch/ssd_double_norm.json", import.meta.url),
      ),
    );
    const last: number[] = fixture.facts.last_batch_step_indices;
    const svg = renderLossPlot({
      steps: fixture.loss.map((_: number, i: number) => i),
      loss: fixture.loss,
      spikes: last.map((index) => ({ index, direction: "up" as const })),
      epochBoundaries: last,
      title: "ssd_double_norm: SSD loss divided by the batch size twice",
      caption:
        "Facts of the fixture: N = 5000, batch 32, the last batch of each epoch holds 8 samples.",
    });
    assertTenMarkersOnEpochLines(await shoot("ssd_double_norm", svg), "#cf222e", "#8c959f");
  },
});
