/**
 * Reads the recorded facts of the real PyTorch runs in `tests/fixtures/pytorch/` for the batch
 * tests. The files are data measured during training (torch 1.13, fixed seeds), never produced by
 * this project's code, so a test comparing a prediction with them proves something from outside.
 */

/** The measured facts of one epoch's last batch. */
export interface EpochFact {
  step: number;
  loss_ratio_pre: number;
  grad_ratio_pre: number;
  tail_len_3mad: number;
}

/** The subset of a fixture's `config` and `facts` the batch tests use. */
export interface BatchFixture {
  name: string;
  config: {
    N: number;
    batch_size: number;
    drop_last: boolean;
    optimizer: string;
    momentum: number;
  };
  facts: {
    N: number;
    batch_size: number;
    steps_per_epoch: number;
    last_batch_size: number;
    naive_predicted_loss_ratio: number;
    per_epoch: EpochFact[];
    loss_ratio_pre_median: number;
    grad_ratio_pre_median: number;
    "tail_len_mean_profile_gt_1.05": number;
  };
}

/** Loads `tests/fixtures/pytorch/<name>.json`. */
export async function loadFixture(name: string): Promise<BatchFixture> {
  const url = new URL(`./fixtures/pytorch/${name}.json`, import.meta.url);
  return JSON.parse(await Deno.readTextFile(url));
}

/** |actual − expected| ≤ 10 % of |expected|. */
export function withinTenPercent(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= 0.1 * Math.abs(expected);
}
