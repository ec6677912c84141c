-- A Sec-GPC flood: cookieless document navigations with the privacy signal, each from a different user agent, so
-- that the once-per-browser deduplication cannot merge them (the worst case for the proof writer).
wrk.method = "GET"
wrk.headers["Sec-GPC"] = "1"
wrk.headers["Sec-Fetch-Dest"] = "document"
wrk.headers["Sec-Fetch-Mode"] = "navigate"
wrk.headers["Accept"] = "text/html"

request = function()
  wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) Flood/" .. math.random(1, 1000000000)
  return wrk.format()
end
