/**
 * The regression gate of `npm run bench`. Each run writes the figure of every gated goal (its value, its limit, and
 * the value measured in each round) into bench/RESULTS.md as one HTML comment. The next run compares with it: a goal
 * that held there and is now missed by more than the spread seen between its rounds (the larger of the two runs'
 * spreads) is a regression. A section with a regression is run once more before the verdict; if the rerun still
 * regresses, the bench exits non-zero and leaves bench/RESULTS.md as it was, so the regressed run cannot become the
 * next run's baseline. A goal missed by less than its spread is reported as within noise and passes.
 *
 * This is the bench's own verdict, not a unit test: the test suite has no timing assertions. test/bench/gate.test.ts
 * checks this comparison logic on fixed figures.
 */
import type { GateFigure, Goal } from './report';

const MARKER = 'bench-gate';
const COMMENT = new RegExp(`<!-- ${MARKER} (\\{.*\\}) -->`);

export interface GateRecord extends GateFigure {
  readonly name: string;
  readonly section: string;
  readonly met: boolean;
}

export interface GateData {
  readonly version: 1;
  readonly commit: string;
  readonly date: string;
  readonly goals: readonly GateRecord[];
}

export type GateFinding =
  /** Held before, missed now by more than the spread: fails the bench. */
  | { readonly kind: 'REGRESSED'; readonly name: string; readonly section: string; readonly miss: number; readonly spread: number; readonly previous: GateRecord; readonly current: GateRecord }
  /** Held before, missed now, but by no more than the spread: reported, passes. */
  | { readonly kind: 'WITHIN_SPREAD'; readonly name: string; readonly section: string; readonly miss: number; readonly spread: number; readonly previous: GateRecord; readonly current: GateRecord }
  /** Held before and no longer measured (its section failed, or the goal was renamed or removed): fails the bench. */
  | { readonly kind: 'MISSING'; readonly name: string; readonly section: string; readonly previous: GateRecord };

export function renderGateData(data: GateData): string {
  return `<!-- ${MARKER} ${JSON.stringify(data)} -->`;
}

/** The gate data of a RESULTS.md, or undefined when it has none (a file written before the gate existed). */
export function readGateData(markdown: string): GateData | undefined {
  const match = COMMENT.exec(markdown);
  if (!match) return undefined;
  const data = JSON.parse(match[1]) as GateData;
  if (data.version !== 1 || !Array.isArray(data.goals)) throw new Error(`unreadable ${MARKER} data (version ${String(data.version)})`);
  return data;
}

/** Max − min of a goal's per-round values; 0 for an exact figure (one round). */
export function spreadOf(rounds: readonly number[]): number {
  const finite = rounds.filter(Number.isFinite);
  return finite.length < 2 ? 0 : Math.max(...finite) - Math.min(...finite);
}

export function gateRecords(section: string, goals: readonly Goal[]): GateRecord[] {
  return goals.flatMap((goal) => (goal.gate ? [{ name: goal.name, section, met: goal.met, ...goal.gate, rounds: [...goal.gate.rounds] }] : []));
}

/** How the current figures of `sections` compare with the previous run's; only those sections' goals are looked at. */
export function compareWithPrevious(previous: GateData | undefined, current: readonly GateRecord[], sections?: readonly string[]): GateFinding[] {
  if (!previous) return [];
  const findings: GateFinding[] = [];
  const now = new Map(current.map((record) => [record.name, record]));
  for (const before of previous.goals) {
    if (!before.met) continue;
    if (sections && !sections.includes(before.section)) continue;
    const after = now.get(before.name);
    if (!after) {
      findings.push({ kind: 'MISSING', name: before.name, section: before.section, previous: before });
      continue;
    }
    if (after.met) continue;
    const miss = after.value - after.limit;
    const spread = Math.max(spreadOf(before.rounds), spreadOf(after.rounds));
    findings.push({ kind: miss > spread ? 'REGRESSED' : 'WITHIN_SPREAD', name: after.name, section: after.section, miss, spread, previous: before, current: after });
  }
  return findings;
}

export function failing(findings: readonly GateFinding[]): GateFinding[] {
  return findings.filter((finding) => finding.kind !== 'WITHIN_SPREAD');
}

const figure = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(3));

export function describeFinding(finding: GateFinding): string {
  if (finding.kind === 'MISSING') {
    return `${finding.name}: held on the previous run (${figure(finding.previous.value)} ≤ ${figure(finding.previous.limit)}) and was not measured now`;
  }
  const verdict = finding.kind === 'REGRESSED' ? 'regressed' : 'missed within the spread of its rounds';
  return `${finding.name}: ${verdict}: ${figure(finding.current.value)} > ${figure(finding.current.limit)} (missed by ${figure(finding.miss)}, `
    + `spread ${figure(finding.spread)}; previous run ${figure(finding.previous.value)})`;
}
