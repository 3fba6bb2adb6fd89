/** One measured figure: min, median and max of several rounds. */
export interface Figure {
  readonly name: string;
  readonly unit: string;
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/** Runs `measure` `n` times; returns min, median and max of what it returned. */
export async function rounds(n: number, measure: () => Promise<number>): Promise<Pick<Figure, "min" | "median" | "max">> {
  const values: number[] = [];
  for (let i = 0; i < n; i++) values.push(await measure());
  return spread(values);
}

/** Min, median and max of measured values. */
export function spread(values: readonly number[]): Pick<Figure, "min" | "median" | "max"> {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0] as number, median: median(sorted), max: sorted[sorted.length - 1] as number };
}

/** The middle value (the upper one of an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
