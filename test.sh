#!/usr/bin/env bash
# Runs every test of Ent.Consent: builds, packs the packages into artifacts/packages, tests the solution (unit,
# HTTP, SQLite, PostgreSQL, Chromium, and the README's quick start in a new `dotnet new webapp` built on those
# packages), then restores, builds and tests the publisher sample from those packages.
# Installs Chromium and PostgreSQL first when they are missing and it runs as root (see eng/test-deps.sh).
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
results="$root/artifacts/test-results"
rm -rf "$results"

bash eng/test-deps.sh install || echo "test.sh: going on without the missing test dependencies" >&2
source eng/test-deps.sh start
trap ent_consent_stop_postgres EXIT

dotnet build Ent.Consent.sln -c Release -nologo -clp:ErrorsOnly
dotnet pack Ent.Consent.sln -c Release --no-build -nologo -o artifacts/packages -clp:ErrorsOnly

status=0
dotnet test Ent.Consent.sln -c Release --no-build -nologo --logger "trx" --results-directory "$results" || status=1

# The publisher consumes the packages as a user would; a private packages folder keeps a stale copy of the same
# version out of the way.
if [ -d samples/Publisher.Tests ]; then
  rm -rf artifacts/publisher-packages
  dotnet test samples/Publisher.Tests -c Release -nologo --logger "trx" --results-directory "$results" || status=1
fi

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get notExecuted)))
done
echo
echo "Tests: $passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  status=1
fi
exit $status
