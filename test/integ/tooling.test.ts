/**
 * The tooling around the live integration test: the deploy command's refusals (it must stop with exit code 2, and
 * without touching the network, when it cannot start) and the committed snapshots (they must not depend on the machine
 * or the time they were made on). The integ tests themselves run with integ-runner: `npx projen integ:snapshot`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '../..');
const integDir = __dirname;

let sandbox: string;

beforeAll(() => {
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-deploy-'));
  // Preloaded into the script's node process: any attempt to resolve a name or open a socket is reported on stderr and
  // fails, so the tests see whether the script used the network, and never reach AWS.
  fs.writeFileSync(path.join(sandbox, 'no-network.js'), [
    'const net = require("net"); const dns = require("dns");',
    'const refuse = () => { process.stderr.write("NETWORK USED\\n"); throw new Error("no network in this test"); };',
    'net.Socket.prototype.connect = refuse; dns.lookup = refuse; dns.promises.lookup = refuse;',
  ].join('\n'));
});

afterAll(() => fs.rmSync(sandbox, { recursive: true, force: true }));

/** Runs the deploy command with an empty home, no AWS settings but `env`, and no network. */
function deploy(args: string[], env: Record<string, string> = {}) {
  const home = fs.mkdtempSync(path.join(sandbox, 'home-'));
  const result = spawnSync('bash', [path.join(root, 'scripts/integ-deploy.sh'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      NODE_OPTIONS: `--require ${path.join(sandbox, 'no-network.js')}`,
      NODE_NO_WARNINGS: '1',
      ...env,
    },
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe('the deploy command (scripts/integ-deploy.sh)', () => {
  test('exits 2 before any network call when no AWS credentials are configured', () => {
    const result = deploy(['--region', 'eu-west-2']);
    expect(result.stderr).not.toContain('NETWORK USED');
    expect(result.stderr).toContain('no AWS credentials found');
    expect(result.stderr).toContain('Nothing was deployed.');
    expect(result.status).toBe(2);
  });

  test('exits 2 for a region without Amazon Connect, naming the region, before looking at credentials', () => {
    const result = deploy(['--region', 'us-east-2'], { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'example' });
    expect(result.stderr).not.toContain('NETWORK USED');
    expect(result.stderr).toContain('Amazon Connect is not available in us-east-2');
    expect(result.status).toBe(2);
  });

  test('takes the region from AWS_REGION when none is given', () => {
    const result = deploy([], { AWS_REGION: 'us-east-2' });
    expect(result.stderr).toContain('Amazon Connect is not available in us-east-2');
    expect(result.status).toBe(2);
  });

  test('counts a profile of the shared config file as configured, and exits 2 when its credentials cannot be loaded', () => {
    const config = path.join(sandbox, 'config');
    fs.writeFileSync(config, '[profile integ]\nregion = eu-west-2\n');
    const result = deploy(['--region', 'eu-west-2'], { AWS_PROFILE: 'integ', AWS_CONFIG_FILE: config });
    // A profile without keys: the SDK's chain goes on to the instance metadata service, over the (refused) network.
    expect(result.stderr).not.toContain('no AWS credentials found');
    expect(result.stderr).toContain('configured (the profile "integ") but could not be loaded');
    expect(result.status).toBe(2);
  });
});

describe('the committed integ snapshots', () => {
  const snapshots = fs.readdirSync(integDir).filter((name) => name.endsWith('.snapshot'));
  const files = snapshots.flatMap((snapshot) => fs.readdirSync(path.join(integDir, snapshot))
    .filter((name) => name.endsWith('.json'))
    .map((name) => path.join(snapshot, name)));

  test('exist for every integ test file', () => {
    const tests = fs.readdirSync(integDir).filter((name) => /^integ\..*\.ts$/.test(name));
    expect(tests.length).toBeGreaterThan(0);
    expect(snapshots.sort()).toEqual(tests.map((name) => `${name}.snapshot`).sort());
  });

  test.each(files)('%s holds no path of this machine, no creation stack trace and no timestamp salt', (file) => {
    const text = fs.readFileSync(path.join(integDir, file), 'utf8');
    expect(text).not.toContain(root);
    expect(text).not.toContain(os.homedir());
    expect(text).not.toContain('aws:cdk:creationStack');
    const salts = [...text.matchAll(/"salt":\s*"([^"]*)"/g)].map((match) => match[1]);
    expect(salts.filter((salt) => salt !== 'fixed')).toEqual([]);
  });
});
