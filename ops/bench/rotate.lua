-- rotate.lua: wrk script that rotates through the pages of an export manifest.
--
--   wrk -t2 -c64 -d20s --latency -s ops/bench/rotate.lua http://127.0.0.1:18081 \
--       -- /path/to/export/pages.tsv [HOST_PORT] [MAX_PAGES]
--
-- Arguments after `--` (each may instead come from the environment):
--   1. pages.tsv      ROTATE_TSV        manifest, one page a line: host<TAB>path<TAB>bytes
--   2. HOST_PORT      ROTATE_HOST_PORT  port to append to the Host header ("18082" sends
--                                       "Host: www.haichuan.localhost:18082"); empty = no port
--   3. MAX_PAGES      ROTATE_MAX        0 (default) = every page of the manifest; otherwise a
--                                       deterministic sample of max(MAX_PAGES, 1000) pages that
--                                       still includes every host
--   4. PAGES          ROTATE_PAGES      "" (default) = every page; "html" = only HTML pages (paths
--                                       ending in "/" or ".html"); a page mode such as "/hant" =
--                                       those HTML pages with the mode put before the path (the
--                                       繁體 variant), since feeds and files have no modes
--
-- Every request sets the Host header and path of the next page. The list is put in a fixed
-- pseudo-random order (same on every run, hosts interleaved), and each thread starts at its own
-- offset so the threads do not walk the list in lockstep. Requests are pre-formatted once per
-- thread, so the script adds next to no work per request.

local MIN_PAGES = 1000
local BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"

-- Main state: number the threads as wrk creates them.
local next_thread_id = 0
function setup(thread)
   thread:set("rotate_thread_id", next_thread_id)
   next_thread_id = next_thread_id + 1
end

local requests = {}
local count = 0
local index = 0

local function fail(msg)
   io.stderr:write("rotate.lua: " .. msg .. "\n")
   os.exit(2)
end

local function read_manifest(path)
   local f, err = io.open(path, "r")
   if not f then
      fail("cannot open manifest " .. tostring(path) .. ": " .. tostring(err))
   end
   local pages, lineno = {}, 0
   for line in f:lines() do
      lineno = lineno + 1
      line = line:gsub("\r$", "")
      if line ~= "" and line:sub(1, 1) ~= "#" then
         local host, p = line:match("^([^\t]+)\t([^\t]+)\t")
         if not host then
            host, p = line:match("^([^\t]+)\t([^\t]+)$")
         end
         if not host or p:sub(1, 1) ~= "/" then
            fail(path .. ":" .. lineno .. ": expected host<TAB>path<TAB>bytes, got: " .. line)
         end
         pages[#pages + 1] = { host = host, path = p }
      end
   end
   f:close()
   return pages
end

-- Park-Miller generator: exact in double arithmetic, so LuaJIT and Lua 5.x agree.
local function shuffle(list, seed)
   local state = seed
   for i = #list, 2, -1 do
      state = (state * 16807) % 2147483647
      local j = (state % i) + 1
      list[i], list[j] = list[j], list[i]
   end
end

-- Deterministic sample of `max` pages: the first page of every host, then evenly spaced others.
local function sample(pages, max)
   if max <= 0 or #pages <= max then
      return pages
   end
   local keep, taken, seen, rest = {}, {}, {}, {}
   for i, pg in ipairs(pages) do
      if not seen[pg.host] then
         seen[pg.host] = true
         keep[#keep + 1] = pg
         taken[i] = true
      end
   end
   for i, pg in ipairs(pages) do
      if not taken[i] then
         rest[#rest + 1] = pg
      end
   end
   local want = max - #keep
   if want > 0 then
      local step = #rest / want
      for k = 0, want - 1 do
         keep[#keep + 1] = rest[math.floor(k * step) + 1]
      end
   end
   return keep
end

function init(args)
   local path = args[1] or os.getenv("ROTATE_TSV")
   if not path or path == "" then
      fail("no manifest: pass it after `--` or set ROTATE_TSV")
   end
   local port = args[2] or os.getenv("ROTATE_HOST_PORT") or ""
   local max = tonumber(args[3] or os.getenv("ROTATE_MAX") or "0") or 0
   if max > 0 and max < MIN_PAGES then
      max = MIN_PAGES
   end
   local pages_arg = args[4] or os.getenv("ROTATE_PAGES") or ""
   local prefix = (pages_arg ~= "html") and pages_arg or ""
   local suffix = (port ~= "") and (":" .. port) or ""

   local all = read_manifest(path)
   if pages_arg ~= "" then
      local html = {}
      for _, pg in ipairs(all) do
         if pg.path:sub(-1) == "/" or pg.path:sub(-5) == ".html" then
            html[#html + 1] = { host = pg.host, path = prefix .. pg.path }
         end
      end
      all = html
   end
   if #all == 0 then
      fail("manifest " .. path .. " lists no pages")
   end
   local pages = sample(all, max)
   shuffle(pages, 20240611)

   local hosts, nhosts = {}, 0
   for _, pg in ipairs(pages) do
      if not hosts[pg.host] then
         hosts[pg.host] = true
         nhosts = nhosts + 1
      end
      count = count + 1
      -- A browser's User-Agent: Zhanqun counts the view (visit statistics), as it would a reader's.
      requests[count] = wrk.format("GET", pg.path, { Host = pg.host .. suffix, ["User-Agent"] = BROWSER })
   end

   local id = rotate_thread_id or 0
   -- Golden-ratio offsets spread any number of threads evenly over the list.
   local frac = (id * 0.6180339887498949) % 1
   index = math.floor(frac * count) % count

   if id == 0 then
      local note = ""
      if count < MIN_PAGES then
         note = string.format(" (WARNING: fewer than %d pages in the manifest)", MIN_PAGES)
      end
      io.write(string.format("rotate.lua: %d pages over %d hosts from %s (of %d listed), Host port %q, pages %q%s\n",
         count, nhosts, path, #all, port, pages_arg, note))
   end
end

function request()
   index = index + 1
   if index > count then
      index = 1
   end
   return requests[index]
end
