/**
 * lastBatchAgreement's notes, word for word, for each case it tells apart: epochs that differ, no
 * measurement, a ratio that is noise, an inferred reduction, agreement and the two disagreements.
 * The measurement is the one the spike analysis makes of the recorded SSD run
 * (tests/fixtures/pytorch/ssd_double_norm.json: 4.03× at the last batch, 3.46–4.7 over its 10
 * epochs), set in a report by hand so that only the notes are under test.
 */
import { assertEquals } from "@std/assert";
import { lastBatch, type LastBatchInput } from "../lib/batch/mod.ts";
import { lastBatchAgreement } from "../lib/diagnose/mod.ts";
import type { LastBatchMeasurement, SpikeReport } from "../lib/spikes/mod.ts";

const ssd: LastBatchMeasurement = {
  measured_ratio: 4.03,
  min_ratio: 3.46,
  max_ratio: 4.7,
  epochs: 10,
  spike_share: 1,
  significant: true,
  p_value: 1e-9,
  inferred_reduction: "per_item_then_batch_mean",
  k: 2,
  predicted_ratio: 4,
};

function report(lastBatchMeasure: LastBatchMeasurement | null, stepsPerEpoch = 157): SpikeReport {
  return {
    epoch_alignment: { steps_per_epoch: stepsPerEpoch },
    last_batch: lastBatchMeasure,
  } as unknown as SpikeReport;
}

const loader = (reduction: LastBatchInput["reduction"], more: Partial<LastBatchInput> = {}) =>
  lastBatch({ datasetSize: 5000, batchSize: 32, reduction, ...more });

Deno.test("epochs that differ from the loader's are said first, per rank when there are ranks", () => {
  assertEquals(lastBatchAgreement(report(ssd, 150), loader("mean"), "given"), [
    "steps_per_epoch = 150 was used for the loss curve, but dataset_size and batch_size give 157 " +
    "steps per epoch: check which one the run had.",
  ]);
  assertEquals(lastBatchAgreement(report(ssd, 157), loader("mean", { worldSize: 2 }), "given"), [
    "steps_per_epoch = 157 was used for the loss curve, but dataset_size and batch_size give 79 " +
    "steps per epoch per rank: check which one the run had.",
  ]);
});

Deno.test("without a measured last step there is nothing to compare", () => {
  assertEquals(lastBatchAgreement(report(null), loader("mean"), "given"), []);
  assertEquals(
    lastBatchAgreement(report({ ...ssd, measured_ratio: 0 }), loader("mean"), "given"),
    [],
  );
});

Deno.test("a ratio that is noise is said to be noise, and the reduction assumed or as given", () => {
  const noise = {
    ...ssd,
    measured_ratio: 1.02,
    min_ratio: null,
    significant: false,
    p_value: 0.41,
  };
  assertEquals(lastBatchAgreement(report(noise), loader("mean"), "assumed"), [
    "The measured 1.02× is not significantly away from 1 (t test on the per-epoch log ratios, " +
    "p = 0.41): it is the noise of single steps, not a reduction's factor, so none is inferred " +
    "from it; `mean` is assumed (it predicts 1× for a last batch of 8 of 32).",
  ]);
  assertEquals(lastBatchAgreement(report(noise), loader("sum"), "given"), [
    "The measured 1.02× is not significantly away from 1 (t test on the per-epoch log ratios, " +
    "p = 0.41): it is the noise of single steps, not a reduction's factor, so none is inferred " +
    "from it; `sum` is as given (it predicts 0.25× for a last batch of 8 of 32).",
  ]);
});

Deno.test("an inferred reduction is named with the ratio it came from", () => {
  assertEquals(lastBatchAgreement(report(ssd), loader("per_item_then_batch_mean"), "inferred"), [
    "No reduction was given: the measured 4.03× (3.46–4.7 over 10 epochs) points to " +
    "`per_item_then_batch_mean`, which predicts 4× for a last batch of 8 of 32; the " +
    "configuration's prediction uses it.",
  ]);
});

Deno.test("a given or assumed reduction agrees within 1.25×, else the note says where to look", () => {
  assertEquals(lastBatchAgreement(report(ssd), loader("per_item_then_batch_mean"), "given"), [
    "The measured 4.03× (3.46–4.7 over 10 epochs) agrees with the 4× that the reduction " +
    "`per_item_then_batch_mean` predicts for a last batch of 8 of 32.",
  ]);
  assertEquals(lastBatchAgreement(report(ssd), loader("mean"), "assumed"), [
    "The measured 4.03× (3.46–4.7 over 10 epochs) disagrees with the 1× that the reduction " +
    "`mean` (assumed: none was given) predicts for a last batch of 8 of 32: the measured ratio " +
    "points to `per_item_then_batch_mean` instead: check how the loss is reduced.",
  ]);
  const unexplained = { ...ssd, measured_ratio: 2.5, inferred_reduction: null };
  assertEquals(lastBatchAgreement(report(unexplained), loader("mean"), "given"), [
    "The measured 2.5× (3.46–4.7 over 10 epochs) disagrees with the 1× that the reduction " +
    "`mean` predicts for a last batch of 8 of 32: no reduction explains it: look for what else " +
    "is special about the end of an epoch (data sorted by length or class, a sampler that pads).",
  ]);
});
