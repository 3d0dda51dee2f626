/**
 * Centred rolling median over a window of `2·half + 1` points.
 *
 * Why: the median follows a loss curve's trend while ignoring its spikes, which a moving mean
 * cannot (one spike of 10× moves a 31-point mean by 30 %). The window is kept sorted in a typed
 * array: each step removes the leaving value and inserts the entering one by binary search and
 * one block move. The window length is bounded by the caller (the analysis uses 31 points), so
 * the cost is O(n·log w) comparisons plus O(n·w) element moves done by `copyWithin` (a memmove)
 * — linear in n for the fixed, small window; near the ends the window shrinks to what exists.
 *
 * Input must be finite (fill non-finite points first). Empty input gives empty output.
 *
 * @example
 * ```ts
 * rollingMedian(new Float64Array([1, 9, 1, 1, 1]), 1); // [5, 1, 1, 1, 1]
 * ```
 */
export function rollingMedian(x: Float64Array, half: number): Float64Array {
  if (!Number.isInteger(half) || half < 0) {
    throw new RangeError(`expected a non-negative integer half-width, found ${half}`);
  }
  const n = x.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const window = new Float64Array(2 * half + 1);
  let size = 0;
  let right = 0; // next index to enter
  for (let i = 0; i < n; i++) {
    const leave = i - half - 1;
    if (leave >= 0) remove(window, size--, x[leave]);
    const hi = Math.min(n - 1, i + half);
    while (right <= hi) {
      insert(window, size++, x[right++]);
    }
    const mid = size >> 1;
    out[i] = size & 1 ? window[mid] : (window[mid - 1] + window[mid]) / 2;
  }
  return out;
}

function lowerBound(sorted: Float64Array, size: number, value: number): number {
  let lo = 0, hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insert(sorted: Float64Array, size: number, value: number): void {
  const at = lowerBound(sorted, size, value);
  sorted.copyWithin(at + 1, at, size);
  sorted[at] = value;
}

function remove(sorted: Float64Array, size: number, value: number): void {
  const at = lowerBound(sorted, size, value);
  sorted.copyWithin(at, at + 1, size);
}
