/**
 * The contract of `analyzeSpikes` (lib/spikes/mod.ts) as the benchmark sees it, and how a case
 * becomes its arguments. Written against the interface so the harness runs before, and
 * independently of, the implementation: it is loaded at run time, and a missing module is
 * reported, not a crash.
 */
import type { SpikeOptions } from "../lib/spikes/types.ts";
import type { Case } from "./cases/types.ts";

export type { SpikeOptions };

/**
 * The parts of the spike report the benchmark scores: what both `analyzeSpikes` and the naive
 * baseline (naive.ts) answer.
 */
export interface SpikeAnalysis {
  n: number;
  non_finite: { count: number; first_step: number | null };
  spikes: { step: number; index: number; value: number; ratio: number; direction: string }[];
  periodicity: {
    period: number | null;
    phase: number | null;
    confidence: number;
    method: string;
    evidence?: unknown;
  };
  epoch_alignment:
    | null
    | { steps_per_epoch: number; last_batch_size: number; aligned: boolean; position: string };
  findings: { id: string; severity: string; title: string; evidence: string }[];
  summary: string;
}

/** A function with `analyzeSpikes`' signature. */
export type Analyzer = (loss: Float64Array, options?: SpikeOptions) => SpikeAnalysis;

/** The arguments of `analyzeSpikes` for a case. */
export function argumentsOf(kase: Case): [Float64Array, SpikeOptions] {
  const options: SpikeOptions = {};
  const o = kase.options;
  if (kase.steps) options.steps = Float64Array.from(kase.steps);
  if (o.log_every !== undefined) options.logEvery = o.log_every;
  if (o.steps_per_epoch !== undefined) options.stepsPerEpoch = o.steps_per_epoch;
  if (o.dataset_size !== undefined) options.datasetSize = o.dataset_size;
  if (o.batch_size !== undefined) options.batchSize = o.batch_size;
  if (o.drop_last !== undefined) options.dropLast = o.drop_last;
  return [Float64Array.from(kase.loss), options];
}

/** Loads `analyzeSpikes` from lib/spikes/mod.ts; null (with the reason) when it is not there. */
export async function loadLibAnalyzer(): Promise<{ analyze: Analyzer | null; reason?: string }> {
  const url = new URL("../lib/spikes/mod.ts", import.meta.url).href;
  try {
    const mod = await import(url);
    if (typeof mod.analyzeSpikes !== "function") {
      return { analyze: null, reason: "lib/spikes/mod.ts does not export analyzeSpikes" };
    }
    return { analyze: mod.analyzeSpikes as Analyzer };
  } catch (error) {
    return {
      analyze: null,
      reason: `cannot load lib/spikes/mod.ts: ${(error as Error).message.replace(/\.$/, "")}`,
    };
  }
}
