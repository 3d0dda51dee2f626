/**
 * The SVG answer as a person sees it: `POST /v1/spikes?format=svg&steps_per_epoch=157` with the
 * ssd_double_norm.json file as the body (what `curl -d @ssd_double_norm.json` sends), rendered by
 * headless Chromium and read back pixel by pixel. The PNGs are kept in tests/artifacts/
 * (gitignored) to be looked at; skipped where there is no Chromium.
 */
import { assert, assertEquals } from "@std/assert";
import app from "../routes/app.ts";
import { chromiumPath, screenshot } from "./chromium.ts";
import { fixtureUrl, loadFixture } from "./fixtures.ts";
import { decodePng, type Image, pixel } from "./png.ts";

const artifacts = new URL("./artifacts/", import.meta.url);
const ignore = !chromiumPath;
const ssd = await loadFixture("ssd_double_norm");

/** The answer of `path` to the fixture file's own bytes. */
async function svgOf(path: string, body: string): Promise<string> {
  const res = await app.request(path, {
    method: "POST",
    body,
    headers: { "content-type": "application/json" },
  });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "image/svg+xml; charset=utf-8");
  return await res.text();
}

async function shoot(name: string, svg: string, flags: string[] = []): Promise<Image> {
  await Deno.mkdir(artifacts, { recursive: true });
  const file = new URL(`${name}.svg`, artifacts);
  await Deno.writeTextFile(file, svg);
  const png = await screenshot(file.href, new URL(`${name}.png`, artifacts).pathname, { flags });
  assert(png.length > 10_000, `a ${png.length}-byte PNG is too small to hold a plot`);
  return decodePng(png);
}

const hex = (h: string) => [1, 3, 5].map((k) => parseInt(h.slice(k, k + 2), 16));
const near = (a: number[], b: number[], tolerance: number) =>
  a.every((v, k) => Math.abs(v - b[k]) <= tolerance);

/** Centres of the runs of columns holding ≥ 20 pixels of the dashed lines' colour below yFrom. */
function lineColumns(image: Image, color: number[], yFrom: number): number[] {
  const counts = Array.from({ length: image.width }, (_, x) => {
    let count = 0;
    for (let y = yFrom; y < image.height; y++) if (near(pixel(image, x, y), color, 8)) count++;
    return count;
  });
  const centres: number[] = [];
  for (let x = 0; x < image.width; x++) {
    if (counts[x] < 20) continue;
    let end = x;
    while (counts[end + 1] >= 20) end++;
    centres.push((x + end) / 2);
    x = end;
  }
  return centres;
}

/** Every pixel of the markers' colour below yFrom, as [x, y]. */
function markerPixels(image: Image, color: number[], yFrom: number): [number, number][] {
  const found: [number, number][] = [];
  for (let y = yFrom; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (near(pixel(image, x, y), color, 24)) found.push([x, y]);
    }
  }
  return found;
}

/**
 * Ten evenly spaced epoch lines (1570 steps = 10 epochs of 157), and on each a marker whose top
 * is centred on the line: the epoch's spike is the highest point around it, so the topmost marker
 * pixels near a line belong to it. No marker lies away from an epoch end (the analysis also lists
 * a few spikes of the momentum tail, 3 to 6 steps after the last batch, ≈ 2–4 px to the right).
 */
function assertSpikesOnEpochEnds(image: Image, spike: string, epoch: string) {
  const lines = lineColumns(image, hex(epoch), 60); // below the legend row
  assertEquals(lines.length, ssd.facts.last_batch_step_indices.length, `lines at ${lines}`);
  const gaps = lines.slice(1).map((x, k) => x - lines[k]);
  const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
  for (const g of gaps) assert(Math.abs(g - mean) <= 1.5, `uneven epoch lines: gaps ${gaps}`);

  const pixels = markerPixels(image, hex(spike), 50); // the legend's marker ends above y = 47
  for (const x of lines) {
    const band = pixels.filter(([px]) => px >= x - 12 && px <= x + 12);
    assert(band.length > 0, `no marker near the epoch line at x = ${x}`);
    const top = Math.min(...band.map(([, y]) => y));
    const topRow = band.filter(([, y]) => y === top).map(([px]) => px);
    const centre = topRow.reduce((s, v) => s + v, 0) / topRow.length;
    assert(Math.abs(centre - x) <= 1.5, `the marker's top at x = ${centre}, the line at ${x}`);
  }
  for (const [x, y] of pixels) {
    assert(
      lines.some((l) => x >= l - 9 && x <= l + 14),
      `a marker pixel at (${x}, ${y}) is off every epoch end`,
    );
  }
}

Deno.test({
  name: "ssd_double_norm.json ?format=svg&steps_per_epoch=157: ten spikes marked at the epoch ends",
  ignore,
  fn: async () => {
    const body = await Deno.readTextFile(fixtureUrl("ssd_double_norm"));
    const svg = await svgOf("/v1/spikes?format=svg&steps_per_epoch=157", body);
    assertSpikesOnEpochEnds(await shoot("spikes_ssd_double_norm", svg), "#cf222e", "#8c959f");
    const dark = await shoot("spikes_ssd_double_norm_dark", svg, ["--force-dark-mode"]);
    assertSpikesOnEpochEnds(dark, "#ff7b72", "#6e7681");
  },
});

Deno.test({
  name: "the /v1/diagnose SVG of the same run draws the same epoch ends and spikes",
  ignore,
  fn: async () => {
    const svg = await svgOf(
      "/v1/diagnose?format=svg",
      JSON.stringify({
        loss: ssd.loss,
        dataset_size: 5000,
        batch_size: 32,
        reduction: "per_item_then_batch_mean",
      }),
    );
    assertSpikesOnEpochEnds(await shoot("diagnose_ssd_double_norm", svg), "#cf222e", "#8c959f");
  },
});
