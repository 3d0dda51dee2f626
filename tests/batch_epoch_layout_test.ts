import { assert, assertEquals, assertThrows } from "@std/assert";
import { loadTorchRecord } from "./torch_fixture.ts";
import { epochLayout } from "../lib/batch/mod.ts";
import { loadFixture } from "./batch_fixture.ts";

/**
 * An independent reference: builds the index lists exactly as PyTorch does
 * (`DistributedSampler.__iter__`: pad by repeating the first indices or truncate, then take
 * `indices[rank::W]`; `BatchSampler`: chunks of B, the last one dropped under `drop_last`) and
 * counts what the ranks see.
 */
function simulate(n: number, b: number, w: number, dropLast: boolean, samplerDropLast: boolean) {
  let indices = Array.from({ length: n }, (_, i) => i);
  if (w > 1) {
    const perRank = samplerDropLast && n % w !== 0 ? Math.ceil((n - w) / w) : Math.ceil(n / w);
    const total = perRank * w;
    if (samplerDropLast) indices = indices.slice(0, total);
    else {while (indices.length < total) {
        indices = indices.concat(indices.slice(0, total - indices.length));
      }}
  }
  const ranks = Array.from({ length: w }, (_, rank) => indices.filter((_, i) => i % w === rank));
  const batches = ranks.map((own) => {
    const out: number[][] = [];
    for (let i = 0; i < own.length; i += b) out.push(own.slice(i, i + b));
    if (dropLast && out.length > 0 && out[out.length - 1].length < b) out.pop();
    return out;
  });
  const seen = new Map<number, number>();
  for (const rank of batches) {
    for (const batch of rank) for (const i of batch) seen.set(i, (seen.get(i) ?? 0) + 1);
  }
  const last = batches[0].at(-1);
  return {
    samples: ranks[0].length,
    steps: batches[0].length,
    lastSize: last?.length ?? 0,
    ranksAgree: batches.every((r) =>
      r.length === batches[0].length && r.at(-1)?.length === last?.length
    ),
    padded: w > 1 && !samplerDropLast ? ranks[0].length * w - n : 0,
    duplicatesSeen: [...seen.values()].reduce((d, c) => d + c - 1, 0),
    neverSeen: n - seen.size,
    repeatedInEpoch: [...seen.values()].filter((c) => c > 1).length,
  };
}

Deno.test("the layout of the ssd_double_norm run is the one PyTorch recorded: 157 steps, last batch 8", async () => {
  const { config, facts } = await loadFixture("ssd_double_norm");
  const layout = epochLayout({
    datasetSize: config.N,
    batchSize: config.batch_size,
    dropLast: config.drop_last,
  });
  assertEquals(layout.steps_per_epoch, facts.steps_per_epoch);
  assertEquals(layout.last_batch_size, facts.last_batch_size);
  assertEquals(layout.partial_last_batch, true);
  // The recorded boundary steps are the last step of each epoch.
  assertEquals(
    facts.per_epoch.map((e) => e.step),
    facts.per_epoch.map((_, i) => (i + 1) * layout.steps_per_epoch - 1),
  );
});

Deno.test("with drop_last=True the recorded run has 156 steps of 32 samples", async () => {
  const { config, facts } = await loadFixture("drop_last");
  const layout = epochLayout({
    datasetSize: config.N,
    batchSize: config.batch_size,
    dropLast: config.drop_last,
  });
  assertEquals(layout.steps_per_epoch, facts.steps_per_epoch);
  assertEquals(layout.last_batch_size, facts.last_batch_size);
  assertEquals(layout.partial_last_batch, false);
  assertEquals(layout.dropped_samples, 5000 - 156 * 32);
});

Deno.test("world_size 3, N 5000, B 32: 1667 samples per rank, 1 duplicated, last batch of 3", () => {
  const layout = epochLayout({ datasetSize: 5000, batchSize: 32, worldSize: 3 });
  assertEquals(layout.samples_per_rank, 1667);
  assertEquals(layout.duplicated_samples, 1);
  assertEquals(layout.last_batch_size, 3);
  assertEquals(layout.steps_per_epoch, 53);
  const reference = simulate(5000, 32, 3, false, false);
  assertEquals([
    reference.samples,
    reference.padded,
    reference.lastSize,
    reference.repeatedInEpoch,
  ], [1667, 1, 3, 1]);
});

Deno.test("the layout equals a simulation of DistributedSampler + BatchSampler for every small case", () => {
  for (let n = 1; n <= 40; n++) {
    for (let w = 1; w <= 5; w++) {
      for (let b = 1; b <= 12; b++) {
        for (const dropLast of [false, true]) {
          for (const samplerDropLast of [false, true]) {
            const ref = simulate(n, b, w, dropLast, samplerDropLast);
            const where = `N=${n} W=${w} B=${b} drop_last=${dropLast} sampler=${samplerDropLast}`;
            if (ref.steps === 0) {
              assertThrows(
                () =>
                  epochLayout({
                    datasetSize: n,
                    batchSize: b,
                    worldSize: w,
                    dropLast,
                    samplerDropLast,
                  }),
                RangeError,
              );
              continue;
            }
            const layout = epochLayout({
              datasetSize: n,
              batchSize: b,
              worldSize: w,
              dropLast,
              samplerDropLast,
            });
            assertEquals(ref.ranksAgree, true, where);
            assertEquals(layout.samples_per_rank, ref.samples, where);
            assertEquals(layout.steps_per_epoch, ref.steps, where);
            assertEquals(layout.last_batch_size, ref.lastSize, where);
            assertEquals(layout.padded_samples, ref.padded, where);
            assertEquals(layout.duplicated_samples, ref.duplicatesSeen, where);
            assertEquals(layout.unseen_samples, ref.neverSeen, where);
            assertEquals(layout.partial_last_batch, ref.lastSize < b, where);
          }
        }
      }
    }
  }
});

Deno.test("the sampler's drop_last defaults to the DataLoader's and can be set apart", () => {
  const both = epochLayout({ datasetSize: 5000, batchSize: 32, worldSize: 3, dropLast: true });
  assertEquals([both.samples_per_rank, both.duplicated_samples, both.last_batch_size], [
    1666,
    0,
    32,
  ]);
  const loaderOnly = epochLayout({
    datasetSize: 5000,
    batchSize: 32,
    worldSize: 3,
    dropLast: true,
    samplerDropLast: false,
  });
  // the one padded index sits in rank 1's last, dropped batch: padded, never trained on
  assertEquals([
    loaderOnly.samples_per_rank,
    loaderOnly.padded_samples,
    loaderOnly.duplicated_samples,
    loaderOnly.unseen_samples,
    loaderOnly.steps_per_epoch,
  ], [1667, 1, 0, 3 * 3 - 1, 52]); // 3 dropped per rank, one of them the padding
});

Deno.test("sizes that are not positive integers are refused with RangeError", () => {
  for (const bad of [0, -1, 1.5, NaN, Infinity, 2 ** 53]) {
    assertThrows(() => epochLayout({ datasetSize: bad, batchSize: 32 }), RangeError, "datasetSize");
    assertThrows(() => epochLayout({ datasetSize: 100, batchSize: bad }), RangeError, "batchSize");
    assertThrows(
      () => epochLayout({ datasetSize: 100, batchSize: 4, worldSize: bad }),
      RangeError,
      "worldSize",
    );
  }
});

interface SamplerRow {
  N: number;
  W: number;
  B: number;
  sampler_drop_last: boolean;
  drop_last: boolean;
  steps_per_epoch: number;
  last_batch_size: number;
  padding: number;
  duplicates_seen: number;
  never_seen: number;
}

Deno.test("the layout equals what PyTorch's own DistributedSampler showed, with and without drop_last", async () => {
  const { rows } = await loadTorchRecord<{ rows: SamplerRow[] }>("distributed_sampler");
  assert(rows.length >= 60);
  for (const row of rows) {
    const layout = epochLayout({
      datasetSize: row.N,
      batchSize: row.B,
      worldSize: row.W,
      dropLast: row.drop_last,
      samplerDropLast: row.sampler_drop_last,
    });
    assertEquals(
      [
        layout.steps_per_epoch,
        layout.last_batch_size,
        layout.padded_samples,
        layout.duplicated_samples,
        layout.unseen_samples,
      ],
      [row.steps_per_epoch, row.last_batch_size, row.padding, row.duplicates_seen, row.never_seen],
      JSON.stringify(row),
    );
  }
});

Deno.test("pytorch #12474's layout (9, 4, 2, drop_last): 3 padded, 0 seen twice, 1 never seen", () => {
  const layout = epochLayout({
    datasetSize: 9,
    batchSize: 2,
    worldSize: 4,
    dropLast: true,
    samplerDropLast: false,
  });
  assertEquals([layout.padded_samples, layout.duplicated_samples, layout.unseen_samples], [
    3,
    0,
    1,
  ]);
});
