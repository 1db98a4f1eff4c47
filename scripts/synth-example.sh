#!/usr/bin/env bash
# The main job: install the packed npm tarball into example/ as a consumer would, and synthesize the
# example app offline. Proves the tarball carries the handler assets and the flow templates.
set -euo pipefail
cd "$(dirname "$0")/.."

shopt -s nullglob
tarballs=(dist/js/*.tgz)
if [ ${#tarballs[@]} -ne 1 ]; then
  echo "expected exactly one npm tarball in dist/js, found ${#tarballs[@]}: run 'npx projen package:js' first" >&2
  exit 1
fi

rm -rf example/node_modules example/cdk.out
# The installed copy has the library's own name and version: jsii-docgen would document it instead of the
# freshly compiled one on the next build. It is only needed while the example runs.
trap 'rm -rf example/node_modules' EXIT
(cd example && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error "../${tarballs[0]}")

CDK_OUTDIR="$PWD/example/cdk.out" npx ts-node --project example/tsconfig.json example/app.ts

# The simulator as a user with only Node.js runs it: the installed package's bin, with nothing but node on the
# PATH (no Java, so no DynamoDB Local), on the embedded DynamoDB-compatible store.
node_only_path="$(mktemp -d)"
trap 'rm -rf example/node_modules "$node_only_path"' EXIT
ln -s "$(command -v node)" "$node_only_path/node"
(cd example && env -u JAVA_HOME PATH="$node_only_path" node node_modules/.bin/cdk-connect-callback-management simulate --quiet) \
  > example/cdk.out/simulate.txt
grep -q '^DynamoDB: the embedded DynamoDB-compatible store' example/cdk.out/simulate.txt
tail -n 1 example/cdk.out/simulate.txt

# The same simulator on the example app itself (simulate --app): its own flows, staged assets and settings, so the
# transcripts are in the example's language, Spanish; a line of the callers' prompts in English would be a defect.
(cd example && env -u JAVA_HOME PATH="$node_only_path" node node_modules/.bin/cdk-connect-callback-management simulate --app cdk.out) \
  > example/cdk.out/simulate-app.txt
grep -q '^##### CallbackManagementExample, namePrefix example-callbacks #####$' example/cdk.out/simulate-app.txt
grep -q 'IVR -> caller call#1 *"Para que le devolvamos la llamada al número desde el que llama' example/cdk.out/simulate-app.txt
if grep -q 'IVR -> caller [^"]*"To be called back' example/cdk.out/simulate-app.txt; then
  echo 'simulate --app: the example app spoke English to its callers' >&2
  exit 1
fi
grep -m 1 'IVR -> caller call#1' example/cdk.out/simulate-app.txt
tail -n 1 example/cdk.out/simulate-app.txt
