/** Reads the real PyTorch runs in tests/fixtures/pytorch (see the README there). */

/** One recorded run. */
export interface Fixture {
  name: string;
  config: Record<string, unknown>;
  loss: (number | null)[];
  // deno-lint-ignore no-explicit-any
  facts: Record<string, any>;
  series: Record<string, (number | null)[]>;
}

/** The fixture file's URL (copied into the repo, so that a clone stands alone). */
export function fixtureUrl(name: string): URL {
  return new URL(`./fixtures/pytorch/${name}.json`, import.meta.url);
}

/** Loads a fixture by name (without `.json`). */
export async function loadFixture(name: string): Promise<Fixture> {
  return JSON.parse(await Deno.readTextFile(fixtureUrl(name)));
}

/** The loss series as a Float64Array, with `null` as NaN. */
export function lossOf(fixture: Fixture): Float64Array {
  return Float64Array.from(fixture.loss, (v) => v ?? NaN);
}
