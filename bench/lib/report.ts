/** What each bench section hands to the report: tables, notes and goals, rendered as text and as Markdown. */
import { type Table } from './stats';

export interface Goal {
  readonly name: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
  /** What holds the number where it is, in terms of what was measured. */
  readonly limitedBy: string;
  /** A comparison with the published sample rather than one of the brief's goals. */
  readonly comparison?: boolean;
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
