-- Genuine durable choices, refusals in the mix: every other request refuses all, the others accept all (each one a
-- new choice, since no consent cookie is sent). Both are answered only once their proof is on disk.
local bodies = { '{"action":"accept-all"}', '{"action":"refuse-all"}' }
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["RequestVerificationToken"] = os.getenv("ENT_CONSENT_TOKEN")
wrk.headers["Cookie"] = os.getenv("ENT_CONSENT_ANTIFORGERY_COOKIE")

request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, bodies[(n % 2) + 1])
end
