-- wrk script: each letter is the real widget path, a GET for a signed form token, then a POST.
-- Tokens are stateless (signed, not tied to a session), so any connection may use the latest.
-- Env: SLUG, ORIGIN, RATE (requests/s for each wrk thread; 0 = as fast as possible), PREVIEW
-- (1: each letter takes the preview a browser takes between the two, the same form posted with
-- action=preview, so a letter is three requests; the send then carries the latest token).
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } civic_timespec;
int clock_gettime(int clock, civic_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("civic_timespec")
local slug = os.getenv("SLUG")
local origin = os.getenv("ORIGIN")
local rate = tonumber(os.getenv("RATE") or "0")
local preview = os.getenv("PREVIEW") == "1"
local steps = preview and 3 or 2
local ack_dir = os.getenv("ACK_DIR")
local ack_file = nil
local counter, token, step, previewed = 0, nil, 0, false
local tid = tostring(math.random(100000, 999999))
-- Globals, not locals: done() reads them from each thread with thread:get().
recorded, refused, errors, previews = 0, 0, 0, 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  tid = tostring(math.random(100000, 999999)) .. tostring(os.time())
  if ack_dir then ack_file = io.open(ack_dir .. "/ack-" .. tid .. ".txt", "w") end
end

local function form_body(n, action)
  local email = "bench" .. tid .. "x" .. n .. "@example.org"
  -- The first name is unique per letter and comes back in "Thank you, <name>": acknowledged
  -- letters can then be matched one by one against the database.
  return "form_token=" .. token .. "&mode=letter&wid=w1&first_name=L" .. tid .. "x" .. n ..
    "&last_name=Test" ..
    "&email=" .. email .. "&street=&city=Dearborn&state=MI&zip_code=48033" ..
    "&personal_message=My+family+is+in+Idlib.+Please+act.&action=" .. action .. "&started="
end

local function client_address()
  -- Supporters write from many networks: a random 10.x.y.z per letter (the app trusts one
  -- proxy hop, as behind a load balancer), so per-address limits and checks apply as in life.
  return "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
end

function request()
  step = step + 1
  local phase = step % steps
  -- With PREVIEW, a send whose preview went out as a GET (no token yet at the run's start) is
  -- a GET too: every letter sent took its preview.
  if token == nil or phase == 1 or (preview and phase == 0 and not previewed) then
    return wrk.format("GET", "/widget/" .. slug .. "?wid=w1&parent=" .. origin,
      {["X-Forwarded-For"] = client_address()})
  end
  local action = "send"
  if preview and phase == 2 then
    counter, action, previewed = counter + 1, "preview", true
  elseif preview then
    previewed = false
  else
    counter = counter + 1
  end
  local headers = {["Content-Type"] = "application/x-www-form-urlencoded", ["Origin"] = origin,
    ["X-Forwarded-For"] = client_address()}
  return wrk.format("POST", "/widget/" .. slug, headers, form_body(counter, action))
end

function response(status, headers, body)
  local t = string.match(body, 'name="form_token" value="([^"]+)"')
  if t then token = t end
  if string.find(body, 'name="civic-letters-sent" content="sent"', 1, true) then
    recorded = recorded + 1
    local name = string.match(body, "Thank you, <bdi>(L%d+x%d+)</bdi>")
    if ack_file and name then ack_file:write(name, "\n"); ack_file:flush() end
  elseif string.find(body, "data-preview-actions", 1, true) then
    previews = previews + 1
  elseif status == 429 then
    refused = refused + 1
  elseif status >= 500 then
    errors = errors + 1
  end
end

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

-- Paced runs send on a schedule, not after a fixed pause: a pause after each reply would make
-- the rate fall as replies slow (50 connections, 125 ms apart plus the reply time, never reach
-- 200 letters/s). Each request takes the thread's next free slot; a slot missed because every
-- connection was busy is not made up, so the achieved rate shows what the server kept up with.
local next_slot = nil
function delay()
  if rate <= 0 then return 0 end
  local now = now_ms()
  local slot = math.max(next_slot or now, now)
  next_slot = slot + 1000 / rate
  return slot - now
end

function done(summary, latency, requests)
  local total_recorded, total_refused, total_errors, total_previews = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    total_recorded = total_recorded + thread:get("recorded")
    total_refused = total_refused + thread:get("refused")
    total_errors = total_errors + thread:get("errors")
    total_previews = total_previews + thread:get("previews")
  end
  io.write(string.format(
    "RESULT recorded=%d refused=%d errors5xx=%d requests=%d seconds=%.2f p50=%.2f p90=%.2f p99=%.2f non2xx=%d previews=%d\n",
    total_recorded, total_refused, total_errors, summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, total_previews))
end
