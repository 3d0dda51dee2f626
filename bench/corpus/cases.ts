/**
 * The cases the corpus scorer and the ratchet test run: the real logs of
 * `tests/fixtures/real/` (read from disk, so this file is for scripts and tests, not `lib/`) and
 * the outside generator's cases, and how each is sent to the service — through the exported app's
 * `app.request("/v1/spikes")`, so the body is read exactly as a user's would be.
 */
import app from "../../routes/app.ts";
import type { App } from "../../routes/app.ts";
import { generateOutsideCases } from "../outside/generate.ts";
import type { Answer, Label } from "./judge.ts";

/** A case ready to send: its request body, its label and where it came from. */
export interface ScoredCase {
  id: string;
  /** "tune" | "validation" for real logs, "outside" for generated ones. */
  split: string;
  /** Classes (real logs) or the kind (outside), for the per-class table. */
  classes: string[];
  body: Record<string, unknown>;
  label: Label & { evidence?: string };
  /** Steps between logged points (the median step difference). */
  logInterval: number;
}

/** The optional series a body may carry that the service might not read yet. */
export const EXTRA_SERIES = ["eval_loss", "learning_rate", "grad_norm"] as const;

/** Where the real logs live, relative to this file. */
export const CORPUS_DIR = new URL("../../tests/fixtures/real/", import.meta.url);

/** The median difference of consecutive steps: the log interval. */
export function medianStep(steps: number[]): number {
  const d = steps.slice(1).map((s, i) => s - steps[i]).sort((a, b) => a - b);
  return d.length ? d[Math.floor(d.length / 2)] : 1;
}

/** Reads every `<id>.json` of the corpus folder (not `known_misses.json`), in name order. */
export async function loadCorpus(dir: URL = CORPUS_DIR): Promise<ScoredCase[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".json") && e.name !== "known_misses.json") names.push(e.name);
  }
  names.sort();
  const out: ScoredCase[] = [];
  for (const name of names) {
    const fx = JSON.parse(await Deno.readTextFile(new URL(name, dir)));
    out.push({
      id: fx.id,
      split: fx.split,
      classes: fx.classes,
      body: fx.body,
      label: fx.label,
      logInterval: medianStep(fx.body.steps),
    });
  }
  return out;
}

/** The outside generator's cases (seed 11, `perKind` of each kind) as scored cases. */
export function outsideCases(perKind = 10, seed = 11): ScoredCase[] {
  return generateOutsideCases(seed, perKind).map((c) => ({
    id: c.id,
    split: "outside",
    classes: [c.kind],
    body: c.body,
    label: c.truth,
    logInterval: c.logInterval,
  }));
}

/** One answer: status, parsed body, and which extra series had to be dropped to be read. */
export interface Reply {
  status: number;
  answer: Answer;
  stripped: string[];
}

/**
 * Posts a body to `/v1/spikes`. When the service answers 422 and the body carries series it may
 * not read yet (eval_loss, learning_rate, grad_norm), the request is sent again without them and
 * the dropped names are returned, so an unknown field never hides the analysis. `target` is the
 * exported app unless a caller builds one with other limits (the scorer: a larger time budget).
 */
export async function ask(body: Record<string, unknown>, target: App = app): Promise<Reply> {
  const send = async (b: Record<string, unknown>) => {
    const res = await target.request("/v1/spikes", {
      method: "POST",
      body: JSON.stringify(b),
      headers: { "content-type": "application/json" },
    });
    return { status: res.status, answer: await res.json() as Answer };
  };
  const first = await send(body);
  const extra = EXTRA_SERIES.filter((k) => k in body);
  if (first.status !== 422 || extra.length === 0) return { ...first, stripped: [] };
  const bare = Object.fromEntries(
    Object.entries(body).filter(([k]) => !extra.includes(k as never)),
  );
  const second = await send(bare);
  return second.status === 200 ? { ...second, stripped: extra } : { ...first, stripped: [] };
}
