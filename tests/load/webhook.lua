-- wrk script: the same signed Twilio voice webhook, posted over and over. The form body and its signature come from
-- the environment (run.sh computes them once: a fixed request has a fixed signature).
wrk.method = "POST"
wrk.body = os.getenv("WEBHOOK_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-Twilio-Signature"] = os.getenv("WEBHOOK_SIGNATURE")

local errors = 0

response = function(status, headers, body)
  if status ~= 200 or not string.find(body, "<Response>", 1, true) then
    errors = errors + 1
  end
end

done = function(summary, latency, requests)
  io.write(string.format("non-TwiML answers: %d\n", summary.errors.status + errors))
end
