#!/usr/bin/env bash
# Runs the careless portal (Python, port 8080) and Ent.Consent.Gateway in front of it (port 8090), with this folder's
# gateway.json (the portal's catalogue). Open http://127.0.0.1:8090; Ctrl+C stops both.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
portal_port=${PORTAL_PORT:-8080}
gateway_port=${GATEWAY_PORT:-8090}

python3 "$here/portal.py" --port "$portal_port" &
portal=$!
trap 'kill "$portal" 2>/dev/null || true' EXIT

dotnet run --project "$root/src/Ent.Consent.Gateway" -c Release -- \
  --settings "$here/gateway.json" \
  --urls "http://127.0.0.1:$gateway_port" \
  --Gateway:Upstream "http://127.0.0.1:$portal_port" \
  --Gateway:DataDirectory "$here/gateway-data"
