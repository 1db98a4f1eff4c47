/** 5. Synthesis time: a stack with the construct against an empty stack in the same run, and 1, 5 and 20 instances. */
import type { Goal, SectionReport } from '../lib/report';
import { median, ms, ratio, ratioSpread } from '../lib/stats';
import { synthesize } from '../lib/synth';

/** The section's title, also its key in the regression gate's data: keep it stable. */
export const SYNTH_TITLE = '6. Synthesis';

const MAX_RESOURCES = 500;
const MAX_TEMPLATE_KB = 1_000_000 / 1024;

function deployable(row: { resources: number; templateKb: number }): string {
  const why = [
    ...(row.resources > MAX_RESOURCES ? [`${row.resources} resources > ${MAX_RESOURCES}`] : []),
    ...(row.templateKb > MAX_TEMPLATE_KB ? ['template > 1 MB'] : []),
  ];
  return why.length === 0 ? 'yes' : `no: ${why.join(', ')}`;
}

export interface SynthRow {
  readonly instances: number;
  readonly medianMs: number;
  readonly resources: number;
  readonly templateKb: number;
  readonly ratios: number[];
}

export interface SynthOptions {
  readonly rounds: number;
  readonly counts: readonly number[];
  readonly progress: (message: string) => void;
}

export function runSynth(options: SynthOptions): { rows: SynthRow[]; report: SectionReport } {
  const started = Date.now();
  const counts = [0, ...options.counts.filter((n) => n > 0)];
  // Unmeasured: the first synthesis loads aws-cdk-lib's modules and the flow templates.
  synthesize(0);
  synthesize(1);
  const times = new Map<number, number[]>(counts.map((n) => [n, []]));
  const shape = new Map<number, { resources: number; templateKb: number }>();
  const ratios = new Map<number, number[]>(counts.map((n) => [n, []]));
  for (let round = 0; round < options.rounds; round++) {
    options.progress(`synth: round ${round + 1}/${options.rounds}`);
    // Rotate the order, so no size always runs right after the same other one.
    const order = counts.map((_, i) => counts[(i + round) % counts.length]);
    const roundMs = new Map<number, number>();
    for (const n of order) {
      // The empty stack takes milliseconds, so one GC pause would swing the ratio: its time per round is the median of 5.
      const results = Array.from({ length: n === 0 ? 5 : 1 }, () => synthesize(n));
      const result = { ...results[0], ms: median(results.map((r) => r.ms)) };
      roundMs.set(n, result.ms);
      times.get(n)!.push(result.ms);
      // As CDK writes it (indent 1); CloudFormation takes at most 1,000,000 bytes of template and 500 resources per stack.
      const templateKb = JSON.stringify(result.template, undefined, 1).length / 1024;
      shape.set(n, { resources: Object.keys(result.template.Resources ?? {}).length, templateKb });
    }
    for (const n of counts) ratios.get(n)!.push(roundMs.get(n)! / roundMs.get(0)!);
  }
  const rows = counts.map((n) => ({
    instances: n,
    medianMs: median(times.get(n)!),
    resources: shape.get(n)?.resources ?? 0,
    templateKb: shape.get(n)?.templateKb ?? 0,
    ratios: ratios.get(n)!,
  }));
  const one = rows.find((row) => row.instances === 1);
  const perInstance = rows.length > 2 ? (rows[rows.length - 1].medianMs - (one?.medianMs ?? 0)) / (rows[rows.length - 1].instances - 1) : Number.NaN;
  const goals: Goal[] = [];
  const perConstruct = one ? one.resources - (rows.find((row) => row.instances === 0)?.resources ?? 0) : Number.NaN;
  const maxPerStack = Math.floor(MAX_RESOURCES / perConstruct);
  return {
    rows,
    report: {
      title: SYNTH_TITLE,
      method: [
        'In this process (after one unmeasured synthesis of each kind), a new App and Stack with N CallbackManagement constructs from src/,',
        'each with its own namePrefix and queue, synthesized with app.synth() into a fresh temporary directory (assets staged, templates written),',
        'with CDK\'s 500-resource check turned off.',
        `${options.rounds} rounds; each round synthesizes every size once (the empty stack 5 times, taking the median), in a rotating order;`,
        'ratio = time ÷ the empty stack\'s time in the same round.',
      ].join(' '),
      tables: [{
        table: {
          headers: ['constructs in the stack', 'resources', 'template', 'deployable as one stack', 'synth time (median)', 'ratio to the empty stack (median, range)', 'per construct'],
          right: [1, 2, 4, 5, 6],
          rows: rows.map((row) => [
            row.instances === 0 ? '0 (empty stack)' : String(row.instances),
            String(row.resources),
            `${row.templateKb.toFixed(0)} KB`,
            deployable(row),
            ms(row.medianMs),
            row.instances === 0 ? '1.00×' : ratioSpread(row.ratios),
            row.instances === 0 ? '—' : ms(row.medianMs / row.instances),
          ]),
        },
      }],
      notes: [
        `Each construct beyond the first adds about ${ms(perInstance)} (from 1 to ${rows[rows.length - 1]?.instances} constructs). The handler assets are staged once per app `
          + 'whatever the number of constructs, since they have the same content hash.',
        `One construct adds ${perConstruct} resources, so at most ${maxPerStack} fit in one stack (CloudFormation's ${MAX_RESOURCES}-resource limit); `
          + 'CDK refuses to synthesize more unless @aws-cdk/core:stackResourceLimit is raised, which this bench does so as to time every size.',
        `No goal is set for synthesis; one construct synthesizes in ${one ? ms(one.medianMs) : 'n/a'}, ${one ? ratio(median(one.ratios)) : 'n/a'} an empty stack.`,
      ],
      goals,
      seconds: (Date.now() - started) / 1000,
    },
  };
}
