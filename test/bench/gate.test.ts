/**
 * The regression gate's comparison (bench/lib/gate.ts) on fixed figures. Nothing here is timed: the bench measures,
 * and this checks only how two runs' figures are compared.
 */
import { compareWithPrevious, failing, type GateData, type GateRecord, readGateData, renderGateData, spreadOf } from '../../bench/lib/gate';
import { excusedPackages, README_HEADING } from '../../bench/sections/bundle-size';

const record = (name: string, value: number, limit: number, rounds: number[], section = '1. Handler warm latency'): GateRecord =>
  ({ name, section, value, limit, rounds, met: value <= limit });
const previousRun = (...goals: GateRecord[]): GateData => ({ version: 1, commit: 'abc1234', date: '2026-01-01T00:00:00.000Z', goals });

describe('the regression gate', () => {
  test('a goal that held and is now missed by more than the spread of its rounds fails the bench', () => {
    const before = previousRun(record('warm p99 write-callback CREATED', 1.05, 1.10, [1.04, 1.05, 1.07]));
    const findings = compareWithPrevious(before, [record('warm p99 write-callback CREATED', 1.20, 1.10, [1.18, 1.20, 1.21])]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: 'REGRESSED', name: 'warm p99 write-callback CREATED' });
    expect(failing(findings)).toHaveLength(1);
  });

  test('a miss no larger than the spread seen between the rounds (of either run) is reported and passes', () => {
    const before = previousRun(record('cold start write-callback', 1.08, 1.10, [1.02, 1.08, 1.15]));
    const findings = compareWithPrevious(before, [record('cold start write-callback', 1.13, 1.10, [1.11, 1.13, 1.14])]);
    expect(findings).toEqual([expect.objectContaining({ kind: 'WITHIN_SPREAD' })]);
    expect(failing(findings)).toEqual([]);
    expect(spreadOf([1.02, 1.08, 1.15])).toBeCloseTo(0.13);
  });

  test('an exact figure (one round) has no spread: any miss fails', () => {
    const before = previousRun(record('cancel decision, callback id known: sequential AWS requests', 3, 3, [3], '3. Lambda invocations and requests per caller path'));
    const findings = compareWithPrevious(before, [record('cancel decision, callback id known: sequential AWS requests', 4, 3, [4], '3. Lambda invocations and requests per caller path')]);
    expect(failing(findings)).toEqual([expect.objectContaining({ kind: 'REGRESSED', miss: 1, spread: 0 })]);
  });

  test('a goal that was not met before is not gated; one that still holds is not reported', () => {
    const before = previousRun(record('bundle size write-callback', 400_000, 360_000, [400_000], '2b. Bundle sizes'), record('warm p99 a', 1.0, 1.1, [1.0]));
    expect(compareWithPrevious(before, [record('bundle size write-callback', 500_000, 360_000, [500_000], '2b. Bundle sizes'), record('warm p99 a', 1.09, 1.1, [1.09])])).toEqual([]);
  });

  test('a goal that held and was not measured now (its section failed, or it was renamed) fails the bench', () => {
    const before = previousRun(record('warm p99 update-callback CONNECT', 1.02, 1.10, [1.01, 1.03]));
    expect(failing(compareWithPrevious(before, []))).toEqual([expect.objectContaining({ kind: 'MISSING', name: 'warm p99 update-callback CONNECT' })]);
    // Checked section by section (before a rerun), a goal of another section is not looked at.
    expect(compareWithPrevious(before, [], ['2. Cold start'])).toEqual([]);
  });

  test('without previous gate data (a RESULTS.md from before the gate) there is nothing to compare', () => {
    expect(compareWithPrevious(undefined, [record('x', 9, 1, [9])])).toEqual([]);
    expect(readGateData('# Benchmark results\n\nno data here\n')).toBeUndefined();
  });

  test('the gate data written into RESULTS.md reads back as written', () => {
    const data = previousRun(record('warm p99 update-callback RELEASE', 1.04, 1.1, [1.03, 1.04, 1.06]));
    const markdown = `# Benchmark results\n\n| a | b |\n\n${renderGateData(data)}\n`;
    expect(readGateData(markdown)).toEqual(data);
  });
});

describe('the README list the bundle goal reads', () => {
  test('names each package listed under its heading, and nothing from other sections', () => {
    const readme = [
      '## Benchmarks', '', 'Text with `not-this` in it.', '', README_HEADING, '',
      '- `libphonenumber-js` (write-callback): why it stays.', '- `some-other-lib` (x): because.', '',
      '## Layout', '', '- `not-this-either` is elsewhere.',
    ].join('\n');
    expect(excusedPackages(readme)).toEqual(['libphonenumber-js', 'some-other-lib']);
    expect(excusedPackages('# no such heading\n- `x`')).toEqual([]);
  });
});
