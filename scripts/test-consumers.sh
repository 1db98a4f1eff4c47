#!/usr/bin/env bash
# The library as Python and Java users get it: installs the wheel from dist/python and the jar from dist/java
# (built by `npx projen package-all`), runs the consumer apps' tests (test/consumers/), and lints the templates
# that the Python app and the TypeScript example (scripts/synth-example.sh) synthesize with cfn-lint.
# Idempotent: the venv and Maven's local repository are reused; the built packages are reinstalled every run.
set -euo pipefail

CFN_LINT_VERSION='1.58.0'

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
venv="$root/.cache/consumer-venv"
reports="$root/.cache/consumer-reports"
python_out="$root/.cache/consumer-python-out"
java_target="$root/.cache/consumer-java-target"
maven_coordinates='io/github/cdk-connect-callback-management/cdk-connect-callback-management'

# Each part reports how long it took, so a slow one is visible in CI logs.
part_started=0
start_part() { part_started=$EPOCHREALTIME; echo "== $1"; }
end_part() { awk -v start="$part_started" -v end="$EPOCHREALTIME" -v name="$1" 'BEGIN { printf "== %s took %.1f s\n", name, end - start }'; }

# Test counts from JUnit XML reports (pytest's and Surefire's): "<tests> <failures + errors> <skipped>".
count_tests() {
  "$venv/bin/python" - "$@" <<'EOF'
import sys
import xml.etree.ElementTree as ElementTree
tests = failed = skipped = 0
for path in sys.argv[1:]:
    root = ElementTree.parse(path).getroot()
    for suite in ([root] if root.tag == 'testsuite' else root.iter('testsuite')):
        tests += int(suite.get('tests', 0))
        failed += int(suite.get('failures', 0)) + int(suite.get('errors', 0))
        skipped += int(suite.get('skipped', 0))
print(tests, failed, skipped)
EOF
}

shopt -s nullglob
wheels=(dist/python/*.whl)
jars=(dist/java/"$maven_coordinates"/*/cdk-connect-callback-management-*[0-9].jar)
if [[ ${#wheels[@]} -ne 1 || ${#jars[@]} -ne 1 ]]; then
  echo "expected one wheel in dist/python and one jar in dist/java, found ${#wheels[@]} and ${#jars[@]}: run 'npx projen package-all' first" >&2
  exit 1
fi
jar="${jars[0]}"
jar_version="$(basename "$(dirname "$jar")")"

rm -rf "$reports" "$python_out"
mkdir -p "$reports"

start_part 'python: install'
# A venv made by another python3 (the one on PATH changed) is rebuilt rather than trusted.
if ! "$venv/bin/python" -c '' >/dev/null 2>&1; then
  rm -rf "$venv"
  python3 -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip --quiet --disable-pip-version-check)
# The wheel's version stays 0.0.0 between builds, so pip would keep a stale copy: remove it first.
"${pip[@]}" uninstall --yes cdk-connect-callback-management 2>/dev/null || true
"${pip[@]}" install -r test/consumers/python/requirements.txt "${wheels[0]}" "cfn-lint==${CFN_LINT_VERSION}"
end_part 'python: install'

start_part 'python: tests'
# Neither __pycache__ nor .pytest_cache in the source tree.
PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" -m pytest -q -p no:cacheprovider \
  --junitxml="$reports/python.xml" test/consumers/python
read -r python_tests python_failed python_skipped < <(count_tests "$reports/python.xml")
if [[ "$python_tests" -eq 0 || "$python_tests" -eq "$python_skipped" ]]; then
  echo 'python: no test ran' >&2
  exit 1
fi
end_part 'python: tests'

start_part 'python: app as a script'
app_output="$(CDK_OUTDIR="$python_out" PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" test/consumers/python/app.py)"
echo "$app_output"
python_template="$(sed -n 's/^template written to //p' <<<"$app_output")"
if [[ ! -f "$python_template" ]]; then
  echo "python: the app did not say where it wrote its template, or the file is missing" >&2
  exit 1
fi
end_part 'python: app as a script'

start_part 'java: tests'
# Maven keeps a release version (0.0.0 in every development build) once it is in the local repository and never
# looks at dist/java again: install the freshly built jar over it, so the tests always run against this build.
mvn -B -q org.apache.maven.plugins:maven-install-plugin:3.1.4:install-file \
  -Dfile="$jar" -DpomFile="${jar%.jar}.pom"
rm -rf "$java_target/surefire-reports"
(cd test/consumers/java && mvn -B -q test -Dcallback-management.version="$jar_version")
surefire_reports=("$java_target"/surefire-reports/TEST-*.xml)
if [[ ${#surefire_reports[@]} -eq 0 ]]; then
  echo 'java: no test ran' >&2
  exit 1
fi
read -r java_tests java_failed java_skipped < <(count_tests "${surefire_reports[@]}")
if [[ "$java_tests" -eq 0 || "$java_tests" -eq "$java_skipped" ]]; then
  echo 'java: no test ran' >&2
  exit 1
fi
echo "java: $((java_tests - java_skipped)) passed, $java_failed failed"
end_part 'java: tests'

start_part 'cfn-lint'
templates=("$python_template" example/cdk.out/*.template.json)
if [[ ${#templates[@]} -eq 1 ]]; then
  echo 'cfn-lint: no example/cdk.out template (run scripts/synth-example.sh first); linting the Python app only'
fi
# cfn-lint's exit code is a bitmask: 2 errors, 4 warnings, 8 informational (1 a failure of cfn-lint itself).
# Only errors fail the run; warnings are printed for a human to read.
lint_status=0
"$venv/bin/cfn-lint" --format parseable -- "${templates[@]}" || lint_status=$?
if (( lint_status & 3 )); then
  echo "cfn-lint: errors (exit code $lint_status)" >&2
  exit 1
fi
echo "cfn-lint: no errors in ${#templates[@]} template(s) (exit code $lint_status)"
end_part 'cfn-lint'

echo "consumers: $((python_tests - python_skipped + java_tests - java_skipped)) passed, $((python_failed + java_failed)) failed"
