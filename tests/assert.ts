/**
 * A thin stand-in for `jsr:@std/assert`, built on `node:assert/strict`.
 *
 * JSR is not reachable from our build machines, so `deno.json` maps `@std/assert` here. The
 * names and signatures follow std's, so that swapping this file for the real package (one line
 * in the import map) changes nothing in the tests.
 */
import assert from "node:assert/strict";

/** Make an assertion: throws when `expr` is falsy. */
export function assertExists<T>(actual: T, msg?: string): asserts actual is NonNullable<T> {
  if (actual === undefined || actual === null) {
    throw new assert.AssertionError({ message: msg ?? `expected a value, found ${actual}` });
  }
}

/** Throws when `expr` is falsy. */
export function assert_(expr: unknown, msg = "expected a truthy value"): asserts expr {
  if (!expr) throw new assert.AssertionError({ message: msg, actual: expr, expected: true });
}
export { assert_ as assert };

/** Deep, strict equality (like std's `assertEquals`). */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  assert.deepStrictEqual(actual, expected, msg);
}

/** Deep inequality. */
export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  assert.notDeepStrictEqual(actual, expected, msg);
}

/** `Object.is` identity. */
export function assertStrictEquals<T>(actual: T, expected: T, msg?: string): void {
  if (!Object.is(actual, expected)) {
    throw new assert.AssertionError({
      message: msg ?? `expected ${String(expected)}, found ${String(actual)}`,
      actual,
      expected,
    });
  }
}

/**
 * `actual` is within `tolerance` of `expected` (std's default tolerance: 1e-7 relative to
 * `expected`). Equal infinities and two NaNs count as equal.
 */
export function assertAlmostEquals(
  actual: number,
  expected: number,
  tolerance?: number,
  msg?: string,
): void {
  if (Object.is(actual, expected)) return;
  const tol = tolerance ?? Math.abs(expected) * 1e-7;
  const delta = Math.abs(expected - actual);
  if (!(delta <= tol)) {
    throw new assert.AssertionError({
      message: msg ??
        `expected ${actual} to be close to ${expected}: delta ${delta} is above ${tol}`,
      actual,
      expected,
    });
  }
}

/** `actual > expected`. */
export function assertGreater<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual > expected)) {
    throw new assert.AssertionError({ message: msg ?? `expected ${actual} > ${expected}` });
  }
}

/** `actual >= expected`. */
export function assertGreaterOrEqual<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual >= expected)) {
    throw new assert.AssertionError({ message: msg ?? `expected ${actual} >= ${expected}` });
  }
}

/** `actual < expected`. */
export function assertLess<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual < expected)) {
    throw new assert.AssertionError({ message: msg ?? `expected ${actual} < ${expected}` });
  }
}

/** `actual <= expected`. */
export function assertLessOrEqual<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual <= expected)) {
    throw new assert.AssertionError({ message: msg ?? `expected ${actual} <= ${expected}` });
  }
}

/** `actual` contains `expected` as a substring. */
export function assertStringIncludes(actual: string, expected: string, msg?: string): void {
  if (!actual.includes(expected)) {
    throw new assert.AssertionError({
      message: msg ?? `expected ${JSON.stringify(actual)} to include ${JSON.stringify(expected)}`,
    });
  }
}

/** `actual` matches the regular expression. */
export function assertMatch(actual: string, expected: RegExp, msg?: string): void {
  assert.match(actual, expected, msg);
}

/** `actual` holds every element of `expected` (deep equality). */
export function assertArrayIncludes<T>(
  actual: ArrayLike<T>,
  expected: ArrayLike<T>,
  msg?: string,
): void {
  const haystack = Array.from(actual);
  for (const item of Array.from(expected)) {
    if (!haystack.some((h) => isDeepStrictEqual(h, item))) {
      throw new assert.AssertionError({
        message: msg ?? `expected array to include ${JSON.stringify(item)}`,
      });
    }
  }
}

function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

/** `actual` is an instance of `type`. */
export function assertInstanceOf<T extends abstract new (...args: never[]) => unknown>(
  actual: unknown,
  type: T,
  msg?: string,
): asserts actual is InstanceType<T> {
  if (!(actual instanceof type)) {
    throw new assert.AssertionError({ message: msg ?? `expected an instance of ${type.name}` });
  }
}

type ErrorClass = new (...args: never[]) => Error;

/**
 * `fn` throws; when `ErrorClass` is given the error is of that class, and when `msgIncludes` is
 * given its message includes that text. Returns the error.
 */
export function assertThrows(
  fn: () => unknown,
  ErrorClass?: ErrorClass,
  msgIncludes?: string,
  msg?: string,
): Error {
  try {
    fn();
  } catch (error) {
    checkError(error, ErrorClass, msgIncludes, msg);
    return error as Error;
  }
  throw new assert.AssertionError({ message: msg ?? "expected the function to throw" });
}

/** The async counterpart of {@linkcode assertThrows}. */
export async function assertRejects(
  fn: () => PromiseLike<unknown>,
  ErrorClass?: ErrorClass,
  msgIncludes?: string,
  msg?: string,
): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    checkError(error, ErrorClass, msgIncludes, msg);
    return error as Error;
  }
  throw new assert.AssertionError({ message: msg ?? "expected the promise to reject" });
}

function checkError(
  error: unknown,
  ErrorClass: ErrorClass | undefined,
  msgIncludes: string | undefined,
  msg: string | undefined,
): void {
  if (ErrorClass && !(error instanceof ErrorClass)) {
    throw new assert.AssertionError({
      message: msg ?? `expected ${ErrorClass.name}, found ${String(error)}`,
    });
  }
  if (msgIncludes !== undefined && !String((error as Error)?.message).includes(msgIncludes)) {
    throw new assert.AssertionError({
      message: msg ??
        `expected the error message to include ${JSON.stringify(msgIncludes)}, found ${
          JSON.stringify((error as Error)?.message)
        }`,
    });
  }
}

/** Always throws. */
export function fail(msg?: string): never {
  throw new assert.AssertionError({ message: msg ?? "failed" });
}
