/**
 * No warning on a healthy run: the corpus's rule ("no healthy control gets a warning"), held on
 * synthetic healthy runs that vary what real healthy runs vary (`healthyRun`: descent speed and
 * depth, plateaus, noise level and kind, logging every k steps, 4-decimal rounding, learning-rate
 * drops, with and without the epoch, 30 to 10⁵ points), drawn from named seeds. A warning on any
 * of them is a bug in a rule's bar. The rules stressed are the warning ones:
 * `transient-instability`, `divergence`, `epoch-average-logging`, `rising-loss`,
 * `isolated-spikes`, `epoch-start-spike`, `unshuffled-data`, `periodic-spikes`.
 */
import { assertEquals } from "@std/assert";
import { analyzeSpikes } from "../lib/spikes/mod.ts";
import { healthyRun } from "./synthetic_curves.ts";

const SEEDS = Array.from({ length: 200 }, (_, i) => i + 1);

for (let from = 0; from < SEEDS.length; from += 25) {
  const seeds = SEEDS.slice(from, from + 25);
  Deno.test(`healthy synthetic runs (seeds ${seeds[0]}–${seeds.at(-1)}) get no warning`, () => {
    const warned: string[] = [];
    for (const seed of seeds) {
      const run = healthyRun(seed);
      const report = analyzeSpikes(run.loss, run.options);
      const warnings = report.findings.filter((f) => f.severity !== "info");
      if (warnings.length === 0) continue;
      warned.push(
        `seed ${seed} (${run.describe}): ${warnings.map((f) => `${f.id} ${f.severity}`)}`,
      );
    }
    assertEquals(warned, []);
  });
}

Deno.test("the healthy runs vary what real ones vary: logged every k steps, rounded, with LR drops, with and without an epoch, from 30 to 10⁵ points", () => {
  const runs = SEEDS.map(healthyRun);
  const lengths = runs.map((r) => r.loss.length);
  assertEquals(Math.min(...lengths) < 100 && Math.max(...lengths) > 30_000, true);
  for (
    const part of [
      "every 1 steps",
      "every 50 steps",
      "4 decimals",
      "LR ×0.7",
      "plateau",
      "steps an epoch",
      "(means)",
      "(samples)",
    ]
  ) {
    assertEquals(runs.some((r) => r.describe.includes(part)), true, part);
  }
  assertEquals(runs.some((r) => r.options.stepsPerEpoch === undefined), true);
});
