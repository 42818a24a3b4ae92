/** The median the benchmark tables report: the middle value (the upper one of an even count); the input is not changed. */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}
