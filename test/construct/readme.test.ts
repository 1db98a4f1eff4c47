import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

/** The fenced code blocks of the README with the given info string. */
function codeBlocks(language: string): string[] {
  const blocks: string[] = [];
  const fence = new RegExp('^```' + language + '\\n([\\s\\S]*?)^```', 'gm');
  for (let match = fence.exec(readme); match; match = fence.exec(readme)) blocks.push(match[1]);
  return blocks;
}

// The README's examples are the very files the example app and the consumer apps run, so docs cannot drift:
// the main job synthesizes example/app.ts from the packed tarball (scripts/synth-example.sh).
test('the README\'s TypeScript example is example/app.ts, verbatim', () => {
  const example = fs.readFileSync(path.join(root, 'example/app.ts'), 'utf8');
  expect(codeBlocks('ts')).toContain(example);
});

test('the README names the main-job command and the test command that CI runs', () => {
  const ciScript = fs.readFileSync(path.join(root, '.ci/run'), 'utf8');
  const testCommand = /^npm ci && npx projen test:all$/m;
  expect(readme).toMatch(testCommand);
  expect(ciScript).toMatch(testCommand);
  expect(readme).toMatch(/^npm ci && npx projen example:synth$/m);
});
