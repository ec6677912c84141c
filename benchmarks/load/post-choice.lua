-- One durable choice per request: "accept all" as the widget's script posts it, with an antiforgery token.
wrk.method = "POST"
wrk.body = '{"action":"accept-all"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["RequestVerificationToken"] = os.getenv("ENT_CONSENT_TOKEN")
wrk.headers["Cookie"] = os.getenv("ENT_CONSENT_ANTIFORGERY_COOKIE")
