/**
 * Reads the PyTorch recordings of `tests/fixtures/torch/` (each made by the script beside it, with
 * Debian's python3-torch 1.13): numbers as JSON numbers, non-finite ones as "NaN", "Infinity",
 * "-Infinity".
 */

/** A recorded number: a JSON number or the string of a non-finite one. */
export type Recorded = number | "NaN" | "Infinity" | "-Infinity";

/** The number a recorded value stands for. */
export function num(v: Recorded): number {
  return typeof v === "number" ? v : Number(v);
}

/** Loads `tests/fixtures/torch/<name>.json`. */
export async function loadTorchRecord<T>(name: string): Promise<T> {
  const url = new URL(`./fixtures/torch/${name}.json`, import.meta.url);
  return JSON.parse(await Deno.readTextFile(url));
}
