import { awscdk, javascript } from 'projen';

// One name everywhere: npm package, PyPI distribution (and module, with underscores), Maven artifact.
const PACKAGE_NAME = 'cdk-connect-callback-management';

// The lowest aws-cdk-lib we support. cdk-nag 3 (used in the tests) needs >= 2.257.
const CDK_VERSION = '2.257.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: PACKAGE_NAME,
  description: 'One construct that deploys Amazon Connect callback management: a race-free callback record, its Lambda handlers and the three wired contact flows.',
  author: 'cdk-connect-callback-management contributors',
  authorAddress: 'maintainers@example.com',
  repositoryUrl: 'https://example.com/cdk-connect-callback-management.git',
  keywords: ['cdk', 'amazon-connect', 'callback', 'contact-center', 'contact-flow'],
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  minNodeVersion: '20.0.0',
  depsUpgrade: false,

  publishToPypi: {
    distName: PACKAGE_NAME,
    module: 'cdk_connect_callback_management',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkconnectcallback',
    mavenGroupId: 'io.github.cdk-connect-callback-management',
    mavenArtifactId: PACKAGE_NAME,
  },

  // The handlers' dependencies are bundled into the assets at build time,
  // so none of them is a runtime dependency of the library.
  devDeps: [
    'esbuild@^0.28',
    '@aws-sdk/client-dynamodb@^3',
    '@aws-sdk/client-connect@^3',
    'libphonenumber-js@^1',
    '@types/aws-lambda@^8',
    // The CLI's `callbacks` command (cli-src/): SigV4 signing, the SDK's credential chain and region lookup, bundled
    // into assets/cli/callbacks.js at build time like the handlers, so that they are not runtime dependencies either.
    '@smithy/signature-v4@^5',
    '@aws-sdk/credential-provider-node@^3',
    '@smithy/core@^3',
    // Test-only: the AwsSolutions policy pack run over the synthesized stacks, and property-based fuzzing.
    'cdk-nag@^3',
    'fast-check@^4',
    // The live integration test (test/integ/) and its snapshot check. Pinned: the snapshot is what they synthesize.
    // integ-tests-alpha has no 2.257.0-alpha.0 on the registry; 2.245.0-alpha.0 is the newest, peer aws-cdk-lib ^2.245.0.
    '@aws-cdk/integ-runner@2.197.10',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
  ],

  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    include: [
      'src/**/*.ts',
      'lambda-src/**/*.ts',
      'cli-src/**/*.ts',
      'test/**/*.ts',
      'bench/**/*.ts',
      'projenrc/**/*.ts',
      '.projenrc.ts',
    ],
    // projen adds **/*.ts; the example imports the packed library and is type-checked by the main job instead.
    exclude: ['example'],
    compilerOptions: {},
  },
  eslintOptions: {
    dirs: ['src'],
    // lambda-src imports build-time (dev) dependencies on purpose: esbuild bundles them into the assets.
    devdirs: ['lambda-src', 'cli-src', 'test', 'bench', 'projenrc', 'scripts'],
    // Type-aware lint of everything, not only src/ (which is all that jsii's tsconfig.json includes).
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },

  jestOptions: {
    // A snapshot or golden test must be able to fail.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/test/consumers/'],
      // Handler tests start DynamoDB Local (a JVM) per file; keep the count of JVMs sane on 2 cores.
      maxWorkers: 2,
      testTimeout: 60_000,
    },
  },

  // The bench's reports of a quick look or of a run the regression gate failed; bench/RESULTS.md alone is kept.
  gitignore: ['/assets/', '/.cache/', '/example/cdk.out/', '/example/node_modules/', '/example/package-lock.json', '/bench/RESULTS.*.md'],
  npmignoreEnabled: true,
  githubOptions: { mergify: false },
});

// jest runs the tests without type-checking them, and jsii checks src/ only: type-check everything else here.
// example/ is left out: it imports the packed library, and the main job type-checks it with its own tsconfig.
project.testTask.prependExec('tsc --noEmit --project tsconfig.dev.json');

// jsii warnings (reserved words in Python/Java, missing docs that matter to other languages) are failures.
project.compileTask.reset('jsii --fail-on-warnings');
project.tasks.tryFind('watch')?.reset('jsii -w');

// Bundle every handler in lambda-src/handlers with esbuild before jsii compiles,
// so the assets ship in the npm tarball (and so in the Python and Java packages).
const bundleTask = project.addTask('bundle', {
  description: 'Bundle the Lambda handlers in lambda-src/ into assets/lambda/<name>/index.js',
  exec: 'ts-node --project tsconfig.dev.json projenrc/bundle-handlers.ts',
});
project.preCompileTask.spawn(bundleTask);

// The offline contact-center simulator (src/simulator, not part of the jsii API): `npx cdk-connect-callback-management simulate`;
// and `... callbacks list|show|cancel`, which the same entry point hands to the bundled assets/cli/callbacks.js.
project.addBins({ 'cdk-connect-callback-management': 'lib/simulator/cli.js' });

// Assets and flow templates are read at synth time by the construct: they must be in the tarball.
project.npmignore?.addPatterns('!/assets/', '!/flows/', '/lambda-src/', '/cli-src/', '/bench/', '/example/', '/scripts/', '/.cache/', '/.ci/');

// Test-only tools: DynamoDB Local from Maven Central (the handler tests' database) and cfn-lint from PyPI.
project.addTask('test:deps', {
  description: 'Install the test-only tools (DynamoDB Local into .cache/dynamodb-local, cfn-lint into .cache/venv)',
  exec: 'bash scripts/setup-test-deps.sh',
});
// `test` (and so `build`, on a fresh clone too) installs what its jest suites need: DynamoDB Local only (cfn-lint is for
// the example and consumer apps of test:all). Cached: once installed, the script only checks Java.
const dynamoDbLocalTask = project.addTask('test:deps:dynamodb-local', {
  description: 'Install DynamoDB Local into .cache/dynamodb-local (the handler tests\' database), unless it already is',
  exec: 'bash scripts/setup-test-deps.sh dynamodb-local',
});
project.testTask.prependSpawn(dynamoDbLocalTask);

// The main job: build the npm package, install it into the example app as a consumer would, and synthesize offline.
project.addTask('example:synth', {
  description: 'Build the package, install it into example/ and synthesize the example app (offline, no AWS account)',
  steps: [
    { spawn: 'pre-compile' },
    { spawn: 'compile' },
    { spawn: 'package:js' },
    { exec: 'bash scripts/synth-example.sh' },
  ],
});

// The simulator's embedded DynamoDB store (for users with only Node.js) must behave as the handlers need: run their
// suites and the simulator scenarios once more on it. DynamoDB Local stays the reference everywhere else, and
// test/simulator/embedded-dynamodb.test.ts compares the two request by request.
project.addTask('test:embedded-store', {
  description: 'Run the handler and simulator suites against the simulator\'s embedded DynamoDB store',
  steps: [{
    exec: 'jest --ci --coverage=false test/handlers test/simulator/callbacks.test.ts test/simulator/failures.test.ts',
    env: { CALLBACK_TEST_DYNAMODB: 'embedded' },
  }],
});

// The whole test suite, as CI runs it. CI=true makes `build` package JavaScript only,
// so the Python and Java packages are built explicitly here.
project.addTask('test:all', {
  description: 'Everything CI checks: build, unit and DynamoDB Local tests, all three packages, consumer apps',
  steps: [
    { spawn: 'test:deps' },
    { spawn: 'build' },
    { spawn: 'test:embedded-store' },
    { spawn: 'package-all' },
    { exec: 'bash scripts/synth-example.sh' },
    { exec: 'bash scripts/test-consumers.sh' },
  ],
});

// The live integration test (test/integ/, README "Verify on your own AWS account"): integ-runner synthesizes each
// integ.*.ts and compares it with its committed snapshot (test/integ/<file>.snapshot/). The comparison is offline and
// needs no AWS account, so `test` (and so `build` and CI) runs it: a change to the synthesized output fails until
// someone accepts it with `integ:update`. The handlers are bundled first, since their bundles' hashes are compared too.
// transpile-only: tsc --noEmit (above) type-checks the test files already, and it halves the synthesis time.
const INTEG_RUNNER = 'integ-runner --directory test/integ --language typescript --app "node -r ts-node/register/transpile-only {filePath}"';
// integ-runner's working copies of a test's cloud assembly, left behind if a run is interrupted (the snapshots themselves
// are committed). Added after construction: projen's own "!/test/" would drop a /test/ pattern given in the options.
project.gitignore.exclude('/test/integ/cdk-integ.out.*');
// The snapshots are written by `integ:update`, never by hand: collapsed in reviews, like other generated files.
project.gitattributes.addAttributes('/test/integ/*.snapshot/**', 'linguist-generated');
const integSnapshotTask = project.addTask('integ:snapshot', {
  description: 'Compare the synthesized integ test stacks (test/integ/) with their committed snapshots (offline, no AWS account)',
  steps: [{ spawn: 'bundle' }, { exec: INTEG_RUNNER }],
});
project.testTask.spawn(integSnapshotTask);
project.addTask('integ:update', {
  description: 'Accept the current synthesized output as the integ tests\' snapshots, without deploying (rewrites test/integ/*.snapshot/)',
  steps: [{ spawn: 'bundle' }, { exec: `${INTEG_RUNNER} --update-on-failed --dry-run --force` }],
});
// Deploys, asserts and destroys on the caller's AWS account. The script itself exits 2 when it cannot start (no
// credentials, a region without Amazon Connect); through projen any failure is exit code 1.
project.addTask('integ:deploy', {
  description: 'Run the live integration test on your AWS account: deploy test/integ/ with integ-runner, assert, destroy (bash scripts/integ-deploy.sh)',
  exec: 'bash scripts/integ-deploy.sh',
  receiveArgs: true,
});

// Benchmarks, not tests (no timing assertions): handler latency and cold start against raw SDK calls, bundle sizes,
// Lambda invocations per caller path, CTR processing, synthesis time and a cost model. Prints tables and writes
// bench/RESULTS.md. Uses DynamoDB Local (installed by test:deps) and bundles the handlers first if assets/ is stale.
project.addTask('bench', {
  description: 'Run the benchmarks in bench/ and write bench/RESULTS.md',
  env: { NODE_NO_WARNINGS: '1' },
  steps: [
    { spawn: 'test:deps' },
    { exec: 'ts-node --transpile-only --project tsconfig.dev.json bench/run.ts' },
  ],
});

project.synth();
