#!/usr/bin/env bash
# Every Ent.Consent benchmark in one bounded run (under 4 minutes on a quiet 2-core machine, BenchmarkDotNet capped
# at 10), not part of test.sh:
#   1. widget payload (script + stylesheet, raw and gzipped),
#   2. BenchmarkDotNet: classification, consent cookie, middleware against the bare pipeline and CookiePolicy,
#   3. loopback load with wrk on 127.0.0.1: a page with and without UseEntConsent (alternated, same run), then
#      durable consent POSTs into SQLite and into PostgreSQL (a private server on ENT_CONSENT_PGPORT, default 55434),
#   4. ledger: durable choices with refusals in the mix (every other POST refuses all) into SQLite and PostgreSQL,
#      checked against the targets of issue 13 (SQLite >= 5,000/s, p99 < 20 ms; PostgreSQL >= 3,000/s, p99 < 40 ms),
#      then the same choices at 16 connections alone and under a Sec-GPC flood (cookieless navigations, a new user
#      agent each) to show the flood's effect on genuine choices' latency. One command:
#        ENT_CONSENT_PARTS=ledger bash benchmarks/run.sh
#   5. Ent.Consent.Gateway: a 20 KB HTML page and a 20 KB static file from the upstream directly, through bare YARP
#      and through the gateway (a returning visitor's consent cookie), alternated in one run; plus, through bare YARP,
#      the page padded to the size the gateway sends, to show what the injected bytes alone cost.
# Needs dotnet, curl, wrk (Debian: apt-get install -y wrk); PostgreSQL binaries and root for step 3's PostgreSQL part
# (skipped with a reason otherwise). Figures go to stdout and to $OUT/summary.txt.
#   ENT_CONSENT_LOAD_SECONDS   seconds per wrk run (default 10)
#   ENT_CONSENT_CONNECTIONS    wrk connections (default 64)
#   ENT_CONSENT_BDN_FILTER     BenchmarkDotNet filter (default '*')
#   ENT_CONSENT_PARTS          the parts to run (default 'payload bdn page durable ledger gateway console')
# Part 6 ('console': `ENT_CONSENT_PARTS=console bash benchmarks/run.sh`) seeds 100,000 proofs in SQLite and in a
# private PostgreSQL, then times each consent console page (target: under 1 s per page).
#   ENT_CONSENT_PAGE_ROUNDS    bare/UseEntConsent page rounds, the order swapped every round (default 2)
#   ENT_CONSENT_GATEWAY_WARM_SECONDS  wrk warm-up per server and path before the gateway part (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${OUT:-$ROOT/artifacts/benchmarks/$(date -u +%Y%m%dT%H%M%SZ)}
SECONDS_PER_RUN=${ENT_CONSENT_LOAD_SECONDS:-10}
CONNECTIONS=${ENT_CONSENT_CONNECTIONS:-64}
BDN_FILTER=${ENT_CONSENT_BDN_FILTER:-*}
PARTS=" ${ENT_CONSENT_PARTS:-payload bdn page durable ledger gateway console} "
PAGE_ROUNDS=${ENT_CONSENT_PAGE_ROUNDS:-2}
part() { [[ $PARTS == *" $1 "* ]]; }
export ENT_CONSENT_PGPORT=${ENT_CONSENT_PGPORT:-55434}
if [ "$ENT_CONSENT_PGPORT" = 55432 ] || [ "$ENT_CONSENT_PGPORT" = 55433 ]; then
  echo "run.sh: ports 55432 and 55433 belong to the test runs; pick another ENT_CONSENT_PGPORT" >&2
  exit 2
fi
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/ent-consent-bench.XXXXXX)
SERVERS=()

# Stops every server started so far and waits for each to exit: the gateway writes its data folder until it has.
stop_servers() {
  for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${SERVERS[@]}"; do wait "$pid" 2>/dev/null || true; done
  SERVERS=()
}

cleanup() {
  stop_servers
  if declare -F ent_consent_stop_postgres >/dev/null; then ent_consent_stop_postgres; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

say() { echo "$*" | tee -a "$OUT/summary.txt"; }

say "# Ent.Consent benchmarks, $(date -u '+%Y-%m-%d %H:%M:%S') UTC"
say "machine: $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(free -g | awk '/Mem/ {print $2}') GB RAM, $(uname -sr)"
say "dotnet $(dotnet --version), $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)"
say "load before: $(uptime)"

dotnet build -c Release -v quiet -nologo benchmarks/Ent.Consent.Benchmarks >"$OUT/build.log" 2>&1
dotnet build -c Release -v quiet -nologo benchmarks/Ent.Consent.LoadRun >>"$OUT/build.log" 2>&1
if part gateway; then
  dotnet build -c Release -v quiet -nologo benchmarks/Ent.Consent.GatewayLoad >>"$OUT/build.log" 2>&1
  dotnet build -c Release -v quiet -nologo src/Ent.Consent.Gateway >>"$OUT/build.log" 2>&1
fi
LOADRUN=(dotnet "$ROOT/benchmarks/Ent.Consent.LoadRun/bin/Release/net10.0/Ent.Consent.LoadRun.dll")

if part payload; then
say ""
say "## 1. Widget payload (as served: the package's embedded assets, gzip as the endpoint sends it)"
"${LOADRUN[@]}" --payload | tee -a "$OUT/summary.txt"
ASSETS=src/Ent.Consent.Widget/Assets
say "cross-check, gzip -9 of the source files: js $(gzip -9 -c $ASSETS/widget.js | wc -c) B, css $(gzip -9 -c $ASSETS/widget.css | wc -c) B"
fi

if part bdn; then
say ""
say "## 2. BenchmarkDotNet (in-process, 1 launch, 4 warm-up + 12 x 250 ms iterations, MemoryDiagnoser)"
say "load: $(uptime)"
timeout 600 dotnet benchmarks/Ent.Consent.Benchmarks/bin/Release/net10.0/Ent.Consent.Benchmarks.dll \
  --filter "$BDN_FILTER" --artifacts "$OUT/bdn" >"$OUT/bdn.log" 2>&1
cat "$OUT"/bdn/results/*-report-github.md | grep '^|' | tee -a "$OUT/summary.txt"
say "load: $(uptime)"
fi

# Starts the load-run server on a port and waits until it answers.
start_server() {
  local port=$1
  shift
  start_command "$port" /page "${LOADRUN[@]}" --port "$port" "$@"
}

# Starts any command as a server on a port and waits until the given path answers.
start_command() {
  local port=$1 probe=$2
  shift 2
  "$@" >"$OUT/server-$port.log" 2>&1 &
  SERVERS+=($!)
  for _ in $(seq 1 120); do
    if curl -fs -o /dev/null "http://127.0.0.1:$port$probe"; then return 0; fi
    sleep 0.5
  done
  echo "run.sh: the server on port $port did not start; see $OUT/server-$port.log" >&2
  exit 1
}

# Fetches an antiforgery token and its cookie from a server, as the widget's page would carry them.
antiforgery() {
  local port=$1
  TOKEN=$(curl -fs -c "$WORK/jar-$port" "http://127.0.0.1:$port/token")
  AF_COOKIE=$(awk '$6 ~ /^\.AspNetCore\.Antiforgery\./ {print $6 "=" $7}' "$WORK/jar-$port")
}

# Runs wrk and prints one line: requests/s, p50, p99, errors.
load() {
  local label=$1 file
  shift
  file="$OUT/wrk-$(echo "$label" | tr -c 'a-zA-Z0-9' '-').txt"
  wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$@" >"$file"
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec/ {print $2}' "$file")
  p50=$(awk '$1 == "50%" {print $2}' "$file")
  p99=$(awk '$1 == "99%" {print $2}' "$file")
  errors=$(awk '/Non-2xx/ {print $5} /Socket errors/ {print}' "$file" | paste -sd' ' -)
  say "$(printf '%-34s %10s req/s   p50 %9s   p99 %9s   errors: %s' "$label" "$rps" "$p50" "$p99" "${errors:-none}")"
  LAST_RPS=$rps
  LAST_FILE=$file
}

# Runs wrk briefly and throws the figures away: JIT and tiered compilation settle before anything is measured.
warm_up() {
  wrk -t1 -c"$CONNECTIONS" -d3s "$@" >/dev/null
}

if part page; then
say ""
say "## 3. Loopback load: wrk -t1 -c$CONNECTIONS -d${SECONDS_PER_RUN}s --latency, 127.0.0.1 only"
start_server 5181 --consent off
start_server 5182 --consent on
# A returning visitor's cookies: the consent cookie issued by the consent server, sent to both servers.
antiforgery 5182
CONSENT_COOKIE=$(curl -fs -D - -o /dev/null -X POST -H 'Content-Type: application/json' -H "RequestVerificationToken: $TOKEN" \
  -H "Cookie: $AF_COOKIE" -d '{"action":"save","services":{"youtube":true,"google-analytics":false,"facebook":false}}' \
  http://127.0.0.1:5182/consent | tr -d '\r' | grep -i '^set-cookie: ent_consent=' | sed 's/^[^:]*: //; s/;.*//')
VISITOR="JSESSIONID=8F2A61C0E1D94B7A; $CONSENT_COOKIE"
say "page: GET /page (2 KB of HTML, no Set-Cookie), request Cookie: JSESSIONID + a valid ent_consent (${#CONSENT_COOKIE} chars)"
warm_up -H "Cookie: $VISITOR" http://127.0.0.1:5181/page
warm_up -H "Cookie: $VISITOR" http://127.0.0.1:5182/page
say "load: $(uptime)"
BARE_TOTAL=0
CONSENT_TOTAL=0
page_bare() {
  load "page, bare pipeline (round $round)" -H "Cookie: $VISITOR" http://127.0.0.1:5181/page
  BARE_TOTAL=$(echo "$BARE_TOTAL + $LAST_RPS" | bc -l)
}
page_consent() {
  load "page, UseEntConsent (round $round)" -H "Cookie: $VISITOR" http://127.0.0.1:5182/page
  CONSENT_TOTAL=$(echo "$CONSENT_TOTAL + $LAST_RPS" | bc -l)
}
# The order swaps every round, so that a drift of the machine's load weighs on both sides alike.
for round in $(seq 1 "$PAGE_ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then page_bare; page_consent; else page_consent; page_bare; fi
  say "load: $(uptime)"
done
say "$(printf 'UseEntConsent / bare requests/s (%s rounds summed): %.1f %%' "$PAGE_ROUNDS" "$(echo "100 * $CONSENT_TOTAL / $BARE_TOTAL" | bc -l)")"
stop_servers
fi

if part durable; then
say ""
say "durable consent: POST /consent {\"action\":\"accept-all\"} (JSON + antiforgery token), each one appended to the proof store before the answer"
say "(each server warmed up with 3 s of the same load first; its records are in the ledger counts below)"
start_server 5183 --consent on --store sqlite --sqlite "$WORK/proofs.db" --data "$WORK/data-5183"
antiforgery 5183
ENT_CONSENT_TOKEN=$TOKEN ENT_CONSENT_ANTIFORGERY_COOKIE=$AF_COOKIE warm_up -s benchmarks/load/post-choice.lua http://127.0.0.1:5183/consent
ENT_CONSENT_TOKEN=$TOKEN ENT_CONSENT_ANTIFORGERY_COOKIE=$AF_COOKIE \
  load "POST choice, SQLite (WAL, FULL)" -s benchmarks/load/post-choice.lua http://127.0.0.1:5183/consent
say "SQLite ledger after the run: $(curl -fs http://127.0.0.1:5183/verify) (wrk counts only completed requests)"
say "load: $(uptime)"
start_server 5185 --consent on --store none --data "$WORK/data-5185"
antiforgery 5185
ENT_CONSENT_TOKEN=$TOKEN ENT_CONSENT_ANTIFORGERY_COOKIE=$AF_COOKIE warm_up -s benchmarks/load/post-choice.lua http://127.0.0.1:5185/consent
ENT_CONSENT_TOKEN=$TOKEN ENT_CONSENT_ANTIFORGERY_COOKIE=$AF_COOKIE \
  load "POST choice, no proof store" -s benchmarks/load/post-choice.lua http://127.0.0.1:5185/consent
stop_servers
say "SQLite store alone (no HTTP), 64 concurrent writers, 2 s warm-up then ${SECONDS_PER_RUN} s:"
"${LOADRUN[@]}" --store-only "$WORK/store-only.db" --seconds "$SECONDS_PER_RUN" | tee -a "$OUT/summary.txt"
say "load: $(uptime)"

# A private server, never one named by the environment (the test runs own 55432 and 55433).
unset ENT_CONSENT_POSTGRES
# shellcheck source=../eng/test-deps.sh
source eng/test-deps.sh start >"$OUT/postgres.log" 2>&1 || true
PRIVATE_PG=1
if [ -n "${ENT_CONSENT_POSTGRES:-}" ]; then
  start_server 5184 --consent on --store postgres --postgres "$ENT_CONSENT_POSTGRES" --data "$WORK/data-5184"
  antiforgery 5184
  ENT_CONSENT_TOKEN=$TOKEN ENT_CONSENT_ANTIFORGERY_COOKIE=$AF_COOKIE warm_up -s benchmarks/load/post-choice.lua http://127.0.0.1:5184/consent
  ENT_CONSENT_TOKEN=$TOKEN ENT_CONSENT_ANTIFORGERY_COOKIE=$AF_COOKIE \
    load "POST choice, PostgreSQL (fsync on)" -s benchmarks/load/post-choice.lua http://127.0.0.1:5184/consent
  say "PostgreSQL ledger after the run: $(curl -fs http://127.0.0.1:5184/verify)"
else
  say "POST choice, PostgreSQL: skipped ($(tail -n 1 "$OUT/postgres.log"))"
fi
fi
if part ledger; then
say ""
say "## 4. Proof ledger: durable choices, refusals in the mix (POST accept-all / refuse-all alternated)"
# Prints whether the last load met a target: its requests/s and p99 (in ms) against the given bounds.
target() {
  local label=$1 min_rps=$2 max_p99_ms=$3 p99 p99_ms verdict
  p99=$(awk '$1 == "99%" {print $2}' "$LAST_FILE")
  p99_ms=$(echo "$p99" | awk '/us$/ {sub("us",""); print $1/1000; next} /ms$/ {sub("ms",""); print $1; next} /s$/ {sub("s",""); print $1*1000}')
  verdict=MISSED
  if [ "$(echo "$LAST_RPS >= $min_rps && $p99_ms < $max_p99_ms" | bc -l)" = 1 ]; then verdict=MET; fi
  say "$(printf 'target %s: >= %s/s and p99 < %s ms: %s (%s/s, p99 %s ms)' "$label" "$min_rps" "$max_p99_ms" "$verdict" "$LAST_RPS" "$p99_ms")"
}
mixed() {
  local port=$1 label=$2
  ENT_CONSENT_TOKEN=$TOKEN ENT_CONSENT_ANTIFORGERY_COOKIE=$AF_COOKIE     load "$label" -s benchmarks/load/post-mixed.lua "http://127.0.0.1:$port/consent"
}
# The genuine choices at 16 connections, alone, then while 48 connections flood /page with Sec-GPC navigations.
flood_effect() {
  local port=$1 store=$2 min_rps=$3 max_p99_ms=$4 flood_file="$OUT/wrk-gpc-flood-$2.txt"
  ENT_CONSENT_TOKEN=$TOKEN ENT_CONSENT_ANTIFORGERY_COOKIE=$AF_COOKIE     load "choices, $store, 16 conn, no flood" -c16 -s benchmarks/load/post-mixed.lua "http://127.0.0.1:$port/consent"
  # The same targets at 16 concurrent writers: at 64, p99 is the queue wrk builds (Little's law), not the store.
  target "$store, 16 connections" "$min_rps" "$max_p99_ms"
  wrk -t1 -c48 -d"$((SECONDS_PER_RUN + 2))s" -s benchmarks/load/gpc-flood.lua "http://127.0.0.1:$port/page" >"$flood_file" &
  local flood=$!
  sleep 1
  ENT_CONSENT_TOKEN=$TOKEN ENT_CONSENT_ANTIFORGERY_COOKIE=$AF_COOKIE     load "choices, $store, 16 conn, GPC flood" -c16 -s benchmarks/load/post-mixed.lua "http://127.0.0.1:$port/consent"
  wait "$flood"
  say "$(printf 'GPC flood on %s: %s navigations/s beside the choices' "$store" "$(awk '/^Requests\/sec/ {print $2}' "$flood_file")")"
}
start_server 5186 --consent on --store sqlite --sqlite "$WORK/ledger.db" --data "$WORK/data-5186"
antiforgery 5186
ENT_CONSENT_TOKEN=$TOKEN ENT_CONSENT_ANTIFORGERY_COOKIE=$AF_COOKIE warm_up -s benchmarks/load/post-mixed.lua http://127.0.0.1:5186/consent
say "load: $(uptime)"
mixed 5186 "choices, SQLite (WAL, FULL)"
target "SQLite" 5000 20
flood_effect 5186 SQLite 5000 20
say "SQLite ledger after the runs: $(curl -fs http://127.0.0.1:5186/verify)"
stop_servers
say "load: $(uptime)"
# The durable part's private server when it ran, else one of this part's own (never one named by the environment).
if ! part durable; then
  unset ENT_CONSENT_POSTGRES
  # shellcheck source=../eng/test-deps.sh
  source eng/test-deps.sh start >"$OUT/postgres-ledger.log" 2>&1 || true
  PRIVATE_PG=1
fi
if [ -n "${ENT_CONSENT_POSTGRES:-}" ]; then
  start_server 5187 --consent on --store postgres --postgres "$ENT_CONSENT_POSTGRES" --data "$WORK/data-5187"
  antiforgery 5187
  ENT_CONSENT_TOKEN=$TOKEN ENT_CONSENT_ANTIFORGERY_COOKIE=$AF_COOKIE warm_up -s benchmarks/load/post-mixed.lua http://127.0.0.1:5187/consent
  mixed 5187 "choices, PostgreSQL (fsync on)"
  target "PostgreSQL" 3000 40
  flood_effect 5187 PostgreSQL 3000 40
  say "PostgreSQL ledger after the runs: $(curl -fs http://127.0.0.1:5187/verify)"
  stop_servers
else
  say "choices, PostgreSQL: skipped ($(tail -n 1 "$OUT/postgres-ledger.log" "$OUT/postgres.log" 2>/dev/null | tail -n 1))"
fi
fi
if part gateway; then
say ""
say "## 5. Ent.Consent.Gateway: wrk -t1 -c$CONNECTIONS -d${SECONDS_PER_RUN}s --latency, 127.0.0.1 only"
GWLOAD=(dotnet "$ROOT/benchmarks/Ent.Consent.GatewayLoad/bin/Release/net10.0/Ent.Consent.GatewayLoad.dll")
declare -A GW_PID=()
start_command 5190 /static.css "${GWLOAD[@]}" --upstream 5190
GW_PID[upstream]=${SERVERS[-1]}
start_command 5191 /static.css "${GWLOAD[@]}" --yarp 5191 --to http://127.0.0.1:5190
GW_PID[yarp]=${SERVERS[-1]}
start_command 5192 /static.css dotnet "$ROOT/src/Ent.Consent.Gateway/bin/Release/net10.0/ent-consent-gateway.dll" \
  --settings "$ROOT/benchmarks/Ent.Consent.GatewayLoad/gateway.json" --urls http://127.0.0.1:5192 \
  --Gateway:Upstream http://127.0.0.1:5190 --Gateway:DataDirectory "$WORK/gateway-data"
GW_PID[gateway]=${SERVERS[-1]}
# A returning visitor: refuse-all through the banner's own form, then that consent cookie on every request.
curl -fs -c "$WORK/gw-jar" -o "$WORK/gw-page.html" http://127.0.0.1:5192/page.html
GW_TOKEN=$(grep -o 'name="__RequestVerificationToken" value="[^"]*"' "$WORK/gw-page.html" | head -n 1 | sed 's/.*value="//; s/"$//')
curl -fs -b "$WORK/gw-jar" -c "$WORK/gw-jar" -o /dev/null --data-urlencode "__RequestVerificationToken=$GW_TOKEN" \
  -d 'action=refuse-all&returnUrl=/' http://127.0.0.1:5192/.ent-consent
GW_COOKIE=$(awk '$6 == "ent_consent" {print $6 "=" $7}' "$WORK/gw-jar")
GW_PAGE_BYTES=$(curl -fs -H "Cookie: $GW_COOKIE" http://127.0.0.1:5192/page.html | wc -c)
# The same page padded to the injected page's size, through bare YARP: what the widget's bytes alone cost.
PADDED=page-$GW_PAGE_BYTES.html
say "page.html: $(curl -fs http://127.0.0.1:5190/page.html | wc -c) B from the upstream, $GW_PAGE_BYTES B through the gateway (widget injected); static.css $(curl -fs http://127.0.0.1:5190/static.css | wc -c) B"
# Longer than the other parts' warm-up: the gateway has several times YARP's code to bring to tier-1, and its JIT was
# still compiling for the first 10-15 s of page load (DOTNET_JitStdOutFile), which held its first round down.
GW_WARM_SECONDS=${ENT_CONSENT_GATEWAY_WARM_SECONDS:-15}
for target in 5190 5191 5192; do
  wrk -t1 -c"$CONNECTIONS" -d"${GW_WARM_SECONDS}s" -H "Cookie: $GW_COOKIE" "http://127.0.0.1:$target/page.html" >/dev/null
  wrk -t1 -c"$CONNECTIONS" -d"${GW_WARM_SECONDS}s" -H "Cookie: $GW_COOKIE" "http://127.0.0.1:$target/static.css" >/dev/null
done
wrk -t1 -c"$CONNECTIONS" -d"${GW_WARM_SECONDS}s" "http://127.0.0.1:5191/$PADDED" >/dev/null
say "load: $(uptime)"
declare -A GW_TOTAL=()
# CPU time (user + system) of the server under load per request answered: what each proxy costs, which the machine's
# other load disturbs less than requests/s.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
gw_load() {
  local name=$1 port=$2 path=$3 before after requests
  before=$(cpu_ticks "${GW_PID[$name]}")
  load "$path, $name (round $round)" -H "Cookie: $GW_COOKIE" "http://127.0.0.1:$port/$path"
  after=$(cpu_ticks "${GW_PID[$name]}")
  requests=$(awk '/requests in/ {print $1}' "$LAST_FILE")
  say "$(printf '%-34s %10.1f us of CPU per request (%s)' "" "$(echo "($after - $before) * 1000000 / $(getconf CLK_TCK) / $requests" | bc -l)" "$name")"
  GW_TOTAL[$name-$path]=$(echo "${GW_TOTAL[$name-$path]:-0} + $LAST_RPS" | bc -l)
}
for round in $(seq 1 "$PAGE_ROUNDS"); do
  for path in page.html static.css; do
    if [ $((round % 2)) = 1 ]; then order="upstream:5190 yarp:5191 gateway:5192"; else order="gateway:5192 yarp:5191 upstream:5190"; fi
    for entry in $order; do gw_load "${entry%%:*}" "${entry##*:}" "$path"; done
    if [ "$path" = page.html ]; then gw_load yarp 5191 "$PADDED"; fi
  done
  say "load: $(uptime)"
done
say "$(printf 'gateway / bare YARP requests/s, HTML page (with injection): %.1f %% (target >= 90 %%)' "$(echo "100 * ${GW_TOTAL[gateway-page.html]} / ${GW_TOTAL[yarp-page.html]}" | bc -l)")"
say "$(printf 'gateway / bare YARP requests/s, static file: %.1f %% (target >= 97 %%)' "$(echo "100 * ${GW_TOTAL[gateway-static.css]} / ${GW_TOTAL[yarp-static.css]}" | bc -l)")"
say "$(printf 'bare YARP, the page padded to the injected size (%s B) / the page: %.1f %% (the widget'"'"'s bytes alone, no injection)' "$GW_PAGE_BYTES" "$(echo "100 * ${GW_TOTAL[yarp-$PADDED]} / ${GW_TOTAL[yarp-page.html]}" | bc -l)")"
stop_servers
fi

if part console; then
say ""
say "## 6. Consent console pages over 100,000 proofs (127.0.0.1, first view uncached, then median of 5 cached views)"
say "load: $(uptime)"
"${LOADRUN[@]}" --console sqlite --target "$WORK/console.db" | tee -a "$OUT/summary.txt"
# The same private server as part 3 (never one named by the environment).
if [ -z "${PRIVATE_PG:-}" ]; then
  unset ENT_CONSENT_POSTGRES
  # shellcheck source=../eng/test-deps.sh
  source eng/test-deps.sh start >>"$OUT/postgres.log" 2>&1 || true
  PRIVATE_PG=1
fi
if [ -n "${ENT_CONSENT_POSTGRES:-}" ]; then
  "${LOADRUN[@]}" --console postgres --target "$ENT_CONSENT_POSTGRES" | tee -a "$OUT/summary.txt"
else
  say "console, PostgreSQL: skipped ($(tail -n 1 "$OUT/postgres.log"))"
fi
say "load: $(uptime)"
fi
say "load after: $(uptime)"
say ""
say "raw outputs: $OUT"
