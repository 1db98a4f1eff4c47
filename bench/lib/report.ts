/** What each bench section hands to the report: tables, notes and goals, rendered as text and as Markdown. */
import { type Table } from './stats';

/**
 * A goal's figure in numbers, for the regression gate (bench/lib/gate.ts): the goal holds when `value <= limit`.
 * `rounds` are the same figure measured in each round of the run (a single entry where the figure is exact,
 * e.g. a request count or a bundle size): their spread is what the gate forgives.
 */
export interface GateFigure {
  readonly value: number;
  readonly limit: number;
  readonly rounds: readonly number[];
}

export interface Goal {
  readonly name: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
  /** What holds the number where it is, in terms of what was measured. */
  readonly limitedBy: string;
  /** A comparison with the published sample rather than one of the brief's goals. */
  readonly comparison?: boolean;
  /** The figure the regression gate compares with the previous RESULTS.md; goals without one are not gated. */
  readonly gate?: GateFigure;
}

export interface SectionReport {
  readonly title: string;
  /** One paragraph on what was measured and how. */
  readonly method: string;
  readonly tables: ReadonlyArray<{ readonly caption?: string; readonly table: Table }>;
  readonly notes: readonly string[];
  readonly goals: readonly Goal[];
  readonly seconds: number;
}

/** A gate figure from one measurement per round, with the value as the median of the rounds. */
export function gateFigure(rounds: readonly number[], limit: number, value?: number): GateFigure {
  const sorted = [...rounds].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { value: value ?? median, limit, rounds: [...rounds] };
}
