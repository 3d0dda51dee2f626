/**
 * The frameworks' own files against a CSV of the same curve: `deno task parsers`.
 *
 * Why: issue 12 asks that every parsing path be linear and cheap; a framework's file should cost
 * about what the same points cost as a CSV. Builds one typical body per format with `--n` loss
 * points (default 10⁶; bench/framework_bodies.ts: a trainer_state.json as `Trainer` writes it,
 * a trainer_log.jsonl, a Lightning metrics.csv, Keras, torchvision and nanoGPT logs, and a
 * TensorBoard CSV), as flat strings like a decoded request body, then times `parseSeriesBody`
 * on each in rounds (every format once per round, so that the load of a shared machine falls
 * on all of them alike). Times are the process's CPU time (user + system), which a busy
 * machine disturbs less than the wall clock; the best of the rounds is kept.
 *
 * Prints, per format, the body's size, the best and median CPU time, the cost per point and
 * per MB, and the ratios to the CSV in the same run: per point (the same curve) and per MB
 * (the same bytes). Run it on one core: `taskset -c 0 deno task parsers`.
 */
import process from "node:process";
import { parseSeriesBody } from "../lib/parse/mod.ts";
import { typicalBodies } from "./framework_bodies.ts";

const flag = (name: string) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
};
const n = Number(flag("n") ?? 1e6);
const rounds = Number(flag("rounds") ?? 7);

// A request's text is one flat string; a joined one is a rope that the first search flattens.
const flat = (text: string) => new TextDecoder().decode(new TextEncoder().encode(text));
const bodies = Object.fromEntries(
  Object.entries(typicalBodies(n)).map(([format, text]) => [format, flat(text)]),
);
const cpuMs = (f: () => unknown) => {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

const times: Record<string, number[]> = {};
for (const [format, text] of Object.entries(bodies)) {
  const body = parseSeriesBody(text, null, undefined, n);
  if (body.format !== format || body.loss.length !== n) {
    throw new Error(`${format}: read as ${body.format} with ${body.loss.length} points`);
  }
  times[format] = [];
}
for (let round = 0; round < rounds; round++) {
  for (const [format, text] of Object.entries(bodies)) {
    times[format].push(cpuMs(() => parseSeriesBody(text, null, undefined, n)));
  }
}

const best = (xs: number[]) => Math.min(...xs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const mb = (format: string) => bodies[format].length / 1e6;
const csv = best(times.csv);
console.log(
  `n = ${n} points, ${rounds} rounds, CPU time, Deno ${Deno.version.deno}, ${
    new Date().toISOString().slice(0, 16)
  } UTC`,
);
console.log(
  "| format | body | best | median | per point | per MB | ÷ CSV, same points | ÷ CSV, same bytes |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const format of Object.keys(bodies)) {
  const t = best(times[format]);
  console.log(
    `| ${format} | ${mb(format).toFixed(1)} MB | ${t.toFixed(0)} ms | ` +
      `${median(times[format]).toFixed(0)} ms | ${(t * 1e6 / n).toFixed(0)} ns | ` +
      `${(t / mb(format)).toFixed(1)} ms | ${(t / csv).toFixed(2)} | ` +
      `${((t / mb(format)) / (csv / mb("csv"))).toFixed(2)} |`,
  );
}
