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

// The README's Python and Java examples are the very apps whose tests scripts/test-consumers.sh runs against
// the built wheel and jar, so the examples cannot drift from a working program.
test.each([
  ['python', 'test/consumers/python/app.py'],
  ['java', 'test/consumers/java/src/main/java/com/example/callbacks/CallbackManagementApp.java'],
])('the README has a %s block that is %s, verbatim', (language, file) => {
  const source = fs.readFileSync(path.join(root, file), 'utf8');
  expect(codeBlocks(language)).toContain(source);
});
