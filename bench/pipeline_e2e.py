#!/usr/bin/env python3
"""End-to-end pipeline benchmark (issue 5): simulated giggers against the real server.

N giggers (asyncio, one HTTP session each) loop "get a gig" -> submit against the
release server (`gigforge serve`, so the QC, ledger and expiry workers run in the same
process), first with JSON answers only (phase A), then with one ~200 KB JPEG per
submission (phase B). Reported: submissions/s, submit and reserve latency (p50/p99),
QC decisions/s during the load and the time the QC queue takes to drain afterwards.
In the same run, pgbench runs one transaction with the writes of one gig (the
reservation, its unit's slot, the submission, the reservation's end, the event, the
QC task) at the same concurrency against a scratch database with the same schema; the
issue's goal is JSON submissions at >= half of pgbench's rate.

Run it with scripts/bench-pipeline.sh (make bench-pipeline), which provides the venv
(aiohttp, Pillow) and the PostgreSQL cluster. Options: --help. What it measured so far:
bench/README.md; each run also writes bench/results/pipeline-e2e-<date>[-size].md.

Everything runs on loopback against databases this script creates and drops
(gigforge_bench_e2e, gigforge_bench_pgbench on the private cluster of scripts/pg.sh).
"""

import argparse
import asyncio
import datetime
import io
import itertools
import json
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
PG_SH = ROOT / "scripts" / "pg.sh"
E2E_DB = "gigforge_bench_e2e"
PGBENCH_DB = "gigforge_bench_pgbench"
STATEMENTS_DB = "gigforge_bench_statements"
JOB_TITLE = "Tag shelf photos"  # seeded: no training, units without location
PHONE_PREFIX = "+91970000"  # bench giggers: +919700000001, ... (valid Indian mobiles)
BUILD_TOOLS = ("cargo", "rustc", "cargo-leptos", "wasm-opt", "wasm-bindgen")

# Answers valid for the image-tagging form (app/src/jobs/server/builtin.rs).
TAG_ANSWERS = {
    "subject": {"type": "choice", "value": "product"},
    "quality": {"type": "choice", "value": "good"},
    "visible": {"type": "choices", "value": ["text", "logo"]},
}
PHOTO_FIELD = {
    "key": "shelf_photo",
    "label": {"en": "Photo of the shelf", "hi": ""},
    "help": {"en": "", "hi": ""},
    # Optional, so that the JSON phase and the photo phase share one form version.
    "required": False,
    "kind": {"type": "photo", "min_count": 0, "max_count": 1},
}


def say(text):
    print(f"\033[1;34m[bench]\033[0m {text}", file=sys.stderr, flush=True)


def die(text):
    print(f"\033[1;31m[bench] {text}\033[0m", file=sys.stderr, flush=True)
    sys.exit(1)


# ---------------------------------------------------------------------------------------
# The machine, the database, the server


def release_binary(name, env_var):
    """`release/<name>`: the path in env_var, else the first target dir that has one.

    make exports CARGO_TARGET_DIR=<repo>/target by default while CI builds into
    ~/.cache/gigforge/target, so an unset or empty candidate is skipped. None if none has it.
    """
    if os.environ.get(env_var):
        return Path(os.environ[env_var])
    dirs = [os.environ.get("CARGO_TARGET_DIR"), Path.home() / ".cache/gigforge/target", ROOT / "target"]
    return next((Path(d) / "release" / name for d in dirs if d and (Path(d) / "release" / name).is_file()), None)


def find_binary():
    """The release server binary (GIGFORGE_BIN to choose another)."""
    return release_binary("gigforge", "GIGFORGE_BIN") or die(
        "no release build (release/gigforge) in $CARGO_TARGET_DIR, ~/.cache/gigforge/target or target/: "
        "run make build, or set GIGFORGE_BIN")


def build_tools_running():
    """Compilers running right now (they would compete with the benchmark for 2 cores)."""
    out = subprocess.run(["pgrep", "-xa", "|".join(BUILD_TOOLS)], capture_output=True, text=True).stdout
    # A process that is exiting has no command line and shows as "[name]".
    return [os.path.basename(line.split(None, 2)[1]).strip("[]") for line in out.splitlines() if line.strip()]


def pg(*args):
    return subprocess.run([str(PG_SH), *args], check=True, capture_output=True, text=True).stdout.strip()


def fresh_database(name):
    # pg.sh's drop-db says NOTICE when there was nothing to drop; not worth showing.
    env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
    subprocess.run([str(PG_SH), "drop-db", name], check=True, env=env)
    pg("create-db", name)
    return pg("url", name)


def drop_database(name):
    env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
    subprocess.run([str(PG_SH), "drop-db", name], env=env)


def psql(url, sql):
    """Runs SQL (several statements allowed) and returns the last result, unaligned."""
    done = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qtAX", "-f", "-"],
                          input=sql, capture_output=True, text=True)
    if done.returncode != 0:
        die(f"psql failed: {done.stderr.strip()}\n--- SQL:\n{sql}")
    return done.stdout.strip()


async def apsql(url, sql):
    proc = await asyncio.create_subprocess_exec(
        "psql", url, "-qtAX", "-c", sql, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(err.decode().strip())
    return out.decode().strip()


def run_bin(binary, url, *args):
    done = subprocess.run([str(binary), *args], env=dict(os.environ, DATABASE_URL=url, RUST_LOG="warn"),
                          capture_output=True, text=True)
    if done.returncode != 0:
        die(f"gigforge {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_job(url, units, slots_per_unit):
    """Turns the seeded "Tag shelf photos" job into the bench job; returns its id.

    - overlap 1: every unit is one gig, so "the oldest free unit I never held" is found
      at the front of the index instead of after skipping units this gigger did;
    - no daily cap (a gigger does hundreds of gigs here);
    - QC's minimum time on task 0: a simulated gigger answers in milliseconds, and with
      the default every submission would go to review and the ledger stage would never
      run. The other checks and the 5 % audit stay as they are;
    - form version 2 = version 1 plus an optional photo field, created before any
      reservation (a reservation keeps the version current when it was made).
    """
    job = psql(url, f"select id from jobs where title = '{JOB_TITLE}' and status = 'live'")
    if not job:
        die(f"the seed has no live job titled '{JOB_TITLE}'")
    photo_field = json.dumps([PHOTO_FIELD]).replace("'", "''")
    psql(url, f"""
        update jobs set overlap = 1, daily_cap_per_gigger = null,
            qc_policy = jsonb_set(qc_policy, '{{min_seconds_on_task}}', '0')
        where id = {job};
        update units set slots_left = {slots_per_unit} where job_id = {job};
        insert into units (job_id, external_id, title, context, slots_left)
        select {job}, 'BENCH-' || n, 'Shelf photo ' || n, jsonb_build_object('image_url', '/icons/icon-512.png'),
               {slots_per_unit}
        from generate_series(1, {units}) n;
        insert into job_form_versions (job_id, version, schema, created_by)
        select job_id, version + 1, jsonb_set(schema, '{{fields}}', (schema->'fields') || '{photo_field}'::jsonb),
               created_by
        from job_form_versions where job_id = {job} and version = (select max(version) from job_form_versions
                                                                    where job_id = {job});
        analyze;
    """)
    return int(job)


def cpu_ticks_of(pid):
    """user + system (+ reaped children's) CPU ticks of a process, 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return sum(int(x) for x in fields[11:15])  # utime stime cutime cstime


def process_ticks():
    """{pid: (name, user + system + reaped children's CPU ticks)} of every process."""
    ticks = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        ticks[int(stat.parent.name)] = (name, sum(int(x) for x in text.rsplit(")", 1)[1].split()[11:15]))
    return ticks


def machine_ticks():
    """(busy, total) CPU ticks of the whole machine."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


class CpuMeter:
    """CPU used between start() and stop(), in cores (1.0 = one core busy all along)."""

    def __init__(self, server_pid=None, load_pid=None):
        self.server_pid = server_pid
        self.load_pid = load_pid  # the Rust load client, counted as client
        self.own = {os.getpid()} | {pid for pid in (server_pid, load_pid) if pid}

    def snapshot(self):
        me = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {
            "t": time.monotonic(),
            "machine": machine_ticks(),
            "server": cpu_ticks_of(self.server_pid) if self.server_pid else 0,
            "procs": process_ticks(),
            "client": me.ru_utime + me.ru_stime,
            "load": cpu_ticks_of(self.load_pid) if self.load_pid else 0,
            "children": kids.ru_utime + kids.ru_stime,
        }

    def start(self):
        self.a = self.snapshot()

    def stop(self):
        b, a, hz = self.snapshot(), self.a, os.sysconf("SC_CLK_TCK")
        dt = b["t"] - a["t"]
        busy = b["machine"][0] - a["machine"][0]
        total = b["machine"][1] - a["machine"][1]
        # Per process name. Postgres backends come and go, but the postmaster's reaped-
        # children ticks hold the exited ones', so summing live processes stays correct.
        by_name = Counter()
        for pid, (name, ticks) in b["procs"].items():
            if pid not in self.own:
                by_name[name] += ticks - a["procs"].get(pid, (name, 0))[1]
        for pid, (name, ticks) in a["procs"].items():
            if pid not in b["procs"] and pid not in self.own:
                by_name[name] -= ticks  # gone and not reaped by a process we see: counted nowhere
        cores = {name: t / hz / dt for name, t in by_name.items()}
        # Anything else busy during the measurement (compilers, browsers, other tests).
        others = {n: c for n, c in cores.items() if c >= 0.05 and n not in ("postgres", "psql", "pgbench")}
        return {
            "machine": (os.cpu_count() or 1) * busy / total if total else 0.0,
            "server": (b["server"] - a["server"]) / hz / dt,
            "postgres": max(0.0, cores.get("postgres", 0.0)),
            "others": others,
            "client": (b["client"] - a["client"]) / dt + (b["load"] - a["load"]) / hz / dt,
            "children": (b["children"] - a["children"]) / dt,
        }


class Server:
    """`gigforge serve` on a free loopback port, its log in the work directory."""

    def __init__(self, binary, url, work):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.otp_file = work / "otp.jsonl"
        self.log_path = work / "server.log"
        env = dict(
            os.environ,
            DATABASE_URL=url,
            OTP_SINK=f"file:{self.otp_file}",
            DATA_DIR=str(work / "data"),
            RUST_LOG="warn",
            SESSION_SECRET=secrets.token_hex(32),
            # Sign-in codes are limited to 30 an hour per client address; each simulated
            # gigger signs in from an address of its own (a header, no traffic: see sign_in).
            TRUST_FORWARDED_FOR="true",
            LEPTOS_SITE_ROOT=os.environ.get("LEPTOS_SITE_ROOT", str(ROOT / "target/site")),
        )
        self.site_root = env["LEPTOS_SITE_ROOT"]
        self.log = open(self.log_path, "w")
        # A session of its own: Ctrl-C on the terminal reaches only this script, which
        # then stops the server with SIGTERM (its graceful path) in cleanup.
        self.proc = subprocess.Popen([str(binary), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                                     env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self):
        import urllib.request
        for _ in range(240):
            if self.proc.poll() is not None:
                die(f"the server exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/readyz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.25)
        die(f"the server did not become ready on {self.base}")

    def wait_precompressed(self, timeout=600):
        """Waits until the server has made its compressed copies of the site's WASM, JS
        and CSS (server/src/precompress.rs), which it does in the background after
        start-up. Brotli 11 on the bundles takes about 8 s of a core after each build, and the
        first run after a build (2026-12-06) spent 14 % of the measured window's CPU samples
        on it."""
        pkg = Path(self.site_root) / "pkg"
        if not pkg.is_dir():
            return

        def stale():
            out = []
            for path in pkg.iterdir():
                if path.suffix not in (".wasm", ".js", ".css") or not path.is_file():
                    continue
                made = path.stat().st_mtime
                for suffix in ("br", "gz"):
                    copy = path.with_name(f"{path.name}.{suffix}")
                    if not copy.exists() or copy.stat().st_mtime < made:
                        out.append(copy.name)
            return out

        waiting = stale()
        if waiting:
            say(f"waiting for the server's compressed copies of {len(waiting)} site files")
        deadline = time.monotonic() + timeout
        while waiting and time.monotonic() < deadline:
            if self.proc.poll() is not None:
                die(f"the server exited:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.5)
            waiting = stale()
        if waiting:
            die(f"the server made no compressed copy of {', '.join(waiting[:3])} within {timeout} s")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=45)  # in-flight requests, then workers (at most 30 s)
            except subprocess.TimeoutExpired:
                say("the server did not stop within 45 s of SIGTERM; killing it")
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def log_problems(self):
        """Counts of WARN/ERROR lines by message (numbers blanked), most frequent first."""
        counts = Counter()
        for line in self.log_path.read_text(errors="replace").splitlines():
            if " WARN " in line or " ERROR " in line or "panicked" in line:
                text = re.sub(r"\x1b\[[0-9;]*m", "", line)
                text = re.sub(r"^\S+\s+", "", text)  # timestamp
                counts[re.sub(r"\d+", "N", text)[:200]] += 1
        return counts.most_common(8)


# ---------------------------------------------------------------------------------------
# Simulated giggers


class Gigger:
    def __init__(self, index, base):
        self.index = index
        self.phone = f"{PHONE_PREFIX}{index + 1:04d}"
        self.base = base
        # The session cookie is kept by hand: its value (base64 with '+', '/', '=') is
        # sent back in quotes by aiohttp's cookie jar (Python's http.cookies), which the
        # server reads as a different value, so every request would be "Unauthenticated".
        self.cookie = None
        self.http = aiohttp.ClientSession(
            cookie_jar=aiohttp.DummyCookieJar(),
            connector=aiohttp.TCPConnector(limit=4),
            timeout=aiohttp.ClientTimeout(total=120),
            # The cross-origin write guard (server/src/router.rs) wants this host's Origin.
            headers={"Origin": base},
        )

    def headers(self, extra=None):
        headers = dict(extra or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        return headers

    def keep_cookie(self, response):
        for value in response.headers.getall("Set-Cookie", []):
            pair = value.split(";", 1)[0]
            if pair.startswith("gigforge_session="):
                self.cookie = pair

    async def post(self, path, data, extra_headers=None):
        async with self.http.post(self.base + path, data=data, headers=self.headers(extra_headers),
                                  allow_redirects=False) as r:
            self.keep_cookie(r)
            return r.status, await r.text()

    async def sign_in(self, otp_file):
        # A made-up client address per gigger for the per-address code limit; it is only
        # a label the server reads from the header (TRUST_FORWARDED_FOR), no packet goes there.
        ip = {"X-Forwarded-For": f"127.1.{self.index // 250}.{self.index % 250 + 1}"}
        status, body = await self.post("/api/auth/request_otp", {"phone": self.phone}, ip)
        if status >= 400:
            die(f"request_otp for {self.phone}: {status} {body[:300]}")
        code = None
        for line in otp_file.read_text().splitlines():
            entry = json.loads(line)
            if entry.get("phone") == self.phone:
                code = entry["code"]
        if not code:
            die(f"no one-time code for {self.phone} in {otp_file}")
        status, body = await self.post("/api/auth/verify_otp", {"phone": self.phone, "code": code}, ip)
        if status >= 400:
            die(f"verify_otp for {self.phone}: {status} {body[:300]}")
        if not self.cookie:
            die(f"{self.phone} signed in but got no gigforge_session cookie")

    async def reserve(self, job):
        return await self.post("/api/gigs/reserve", {"job_id": str(job)})

    async def submit(self, job, reservation, photo):
        answers = dict(TAG_ANSWERS)
        form = aiohttp.FormData()
        if photo is not None:
            answers["shelf_photo"] = {"type": "photos", "value": ["p1"]}
        envelope = {"idempotency_key": str(uuid.uuid4()), "answers": answers, "lang": "en"}
        # A content type makes aiohttp send multipart even when there is no photo.
        form.add_field("submission", json.dumps(envelope), content_type="application/json")
        if photo is not None:
            form.add_field("p1", photo, filename="p1.jpg", content_type="image/jpeg")
        return await self.post(f"/api/gigs/{job}/reservations/{reservation}/submission", form)

    async def close(self):
        await self.http.close()


async def gig_loop(gigger, job, photo, stop_at, log):
    """reserve -> submit until stop_at; a gig reserved before stop_at is still submitted.

    log gets (kind, start, end, status) per request and (kind, status, body) per error.
    """
    clock = time.monotonic
    while clock() < stop_at:
        t0 = clock()
        try:
            status, body = await gigger.reserve(job)
        except (aiohttp.ClientError, asyncio.TimeoutError) as e:
            status, body = 0, repr(e)
        log.requests.append(("reserve", t0, clock(), status))
        if status != 200:
            log.errors[("reserve", status, body[:160])] += 1
            await asyncio.sleep(0.1)  # e.g. out of units: do not spin
            continue
        reservation = json.loads(body)["reservation_id"]
        t0 = clock()
        try:
            status, body = await gigger.submit(job, reservation, None if photo is None else next(photo))
        except (aiohttp.ClientError, asyncio.TimeoutError) as e:
            status, body = 0, repr(e)
        log.requests.append(("submit", t0, clock(), status))
        if status != 200:
            log.errors[("submit", status, body[:160])] += 1
            await asyncio.sleep(0.1)


class RequestLog:
    def __init__(self):
        self.requests = []
        self.errors = Counter()


def load_binary():
    """The Rust load client (bench/load), built by scripts/bench-pipeline.sh."""
    return release_binary("gigforge-load", "GIGFORGE_LOAD_BIN") or die(
        "no load client (release/gigforge-load): run scripts/bench-pipeline.sh, or use --client python")


async def start_rust_load(giggers, job, photo_dir, args):
    """Starts bench/load's giggers (the same signed-in sessions); returns the process and
    the monotonic time its clock started."""
    work = Path(tempfile.mkdtemp(prefix="gigforge-load-"))
    cookies = work / "cookies.txt"
    cookies.write_text("".join(g.cookie + "\n" for g in giggers))
    command = [str(load_binary()), giggers[0].base, str(job), str(args.warmup), str(args.duration), str(cookies)]
    if photo_dir is not None:
        command.append(str(photo_dir))
    proc = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE)
    first = (await proc.stdout.readline()).decode().strip()
    t_start = time.monotonic()
    if first != "started":
        die(f"the load client did not start: {first!r}")
    proc.work = work
    return proc, t_start


async def finish_rust_load(proc, t_start, log):
    out = await proc.stdout.read()
    if await proc.wait() != 0:
        die(f"the load client failed (exit {proc.returncode})")
    shutil.rmtree(proc.work, ignore_errors=True)
    result = json.loads(out)
    log.requests.extend((kind, t_start + t0, t_start + t1, status) for kind, t0, t1, status in result["requests"])
    for kind, status, body, count in result["errors"]:
        log.errors[(kind, status, body)] += count


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list (None when empty)."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * p // 100))  # ceil
    return sorted_values[int(rank) - 1]


def latency_summary(values_s):
    v = sorted(x * 1000 for x in values_s)
    if not v:
        return {"n": 0, "p50": None, "p99": None, "max": None, "mean": None}
    return {"n": len(v), "p50": percentile(v, 50), "p99": percentile(v, 99), "max": v[-1], "mean": sum(v) / len(v)}


QUEUE_SQL = """select (select count(*) from submission_events where kind like 'qc\\_%'),
       (select count(*) from stage_tasks where stage = 'qc' and state = 'ready'),
       (select count(*) from stage_tasks where stage = 'ledger' and state = 'ready'),
       (select count(*) from stage_tasks where state = 'dead'),
       (select count(*) from submissions)"""


def qc_verdicts(url):
    rows = psql(url, "select kind, count(*) from submission_events where kind like 'qc\\_%' group by kind order by kind")
    return {kind: int(n) for kind, n in (line.split("|") for line in rows.splitlines() if line)}


async def queue_state(url):
    qc_done, qc_ready, ledger_ready, dead, submissions = map(int, (await apsql(url, QUEUE_SQL)).split("|"))
    return {"t": time.monotonic(), "qc_done": qc_done, "qc_ready": qc_ready, "ledger_ready": ledger_ready,
            "dead": dead, "submissions": submissions}


STATS_SQL = """select 'db', xact_commit, xact_rollback, 0 from pg_stat_database where datname = current_database()
union all select relname, n_tup_ins, n_tup_upd, n_tup_del from pg_stat_user_tables"""


async def db_stats(url):
    """Commits and rows written per table (PostgreSQL's cumulative statistics)."""
    rows = (line.split("|") for line in (await apsql(url, STATS_SQL)).splitlines() if line)
    return {name: tuple(int(x) for x in values) for name, *values in rows}


def db_work(before, after, units):
    """Database work per unit of work between two db_stats snapshots.

    Backends publish their statistics at most once a second while busy, so over a
    window of tens of seconds this is right to a few per cent: a diagnosis of where
    the database time goes, not a measurement to compare closely.
    """
    if not units:
        return None
    commits = after["db"][0] - before["db"][0]
    tables = {}
    for name, (ins, upd, dele) in after.items():
        if name == "db":
            continue
        b = before.get(name, (0, 0, 0))
        written = (ins - b[0]) + (upd - b[1]) + (dele - b[2])
        if written > 0:
            tables[name] = written / units
    return {"commits": commits / units, "rows_written": sum(tables.values()),
            "tables": sorted(tables.items(), key=lambda t: -t[1])}


async def watch_build_tools(stop, seen):
    """Notes any compiler that runs during a measurement (the numbers are then suspect)."""
    while not stop.is_set():
        seen.update(build_tools_running())
        try:
            await asyncio.wait_for(stop.wait(), 2)
        except asyncio.TimeoutError:
            pass


async def analyze_during_warmup(url, t_start, warmup):
    """Statistics as a server that has run a while has them, before the measured window.

    The tables the gigs fill (reservations, submissions, their events, QC results) start
    nearly empty. Plans made in a run's first second, the foreign-key checks' included,
    are kept by each connection until the statistics change, and autovacuum visits a new
    database only after a minute: a plan for a one-page table is a sequential scan, and
    by the end of a run each foreign-key check on submissions read its ~120 pages.
    Whether autovacuum came in time made runs of one build differ by up to 2x (270 to
    520 submissions/s). pgbench gets the same ANALYZE between its warm-up and its run.

    It runs 1.5 s before the window (at the warm-up's middle if that is later), when the
    stages' tables have rows too: an ANALYZE that found the ledger still empty left the
    ledger stage's plans sequential scans for the whole run (1 ms per read instead of
    0.05 ms, a twentieth of the machine during the load)."""
    await asyncio.sleep(max(0.0, t_start + max(warmup / 2, warmup - 1.5) - time.monotonic()))
    await asyncio.to_thread(psql, url, "analyze")


async def run_phase(name, giggers, job, photo, args, url, server_pid, build_tools_seen):
    say(f"phase {name}: {len(giggers)} giggers, {args.warmup:g} s warm-up + {args.duration:g} s measured")
    log = RequestLog()
    stop_watch = asyncio.Event()
    watcher = asyncio.create_task(watch_build_tools(stop_watch, build_tools_seen))
    verdicts_before = qc_verdicts(url)
    q_start = await queue_state(url)
    load = None
    if args.client == "rust":
        load, t_start = await start_rust_load(giggers, job, photo, args)
    else:
        t_start = time.monotonic()
        loops = [asyncio.create_task(gig_loop(g, job, photo, t_start + args.warmup + args.duration, log))
                 for g in giggers]
    window = (t_start + args.warmup, t_start + args.warmup + args.duration)
    await analyze_during_warmup(url, t_start, args.warmup)

    # QC progress and CPU over exactly the measured window.
    await asyncio.sleep(window[0] - time.monotonic())
    cpu = CpuMeter(server_pid, load.pid if load else None)
    cpu.start()
    q_window_start = await queue_state(url)
    stats_start = await db_stats(url)
    await asyncio.sleep(max(0.0, window[1] - time.monotonic()))
    # CPU first: the load client stops at the window's end and exits once its last gigs
    # are in, after which its CPU can no longer be read.
    cpu_used = cpu.stop()
    q_window_end = await queue_state(url)
    stats_end = await db_stats(url)
    if load:
        await finish_rust_load(load, t_start, log)
    else:
        await asyncio.gather(*loops)
    t_load_end = time.monotonic()
    q_load_end = await queue_state(url)

    # Drain: the QC queue (and the ledger's, which approvals feed) to empty.
    say(f"phase {name}: load over; QC backlog {q_load_end['qc_ready']}, waiting for the queues to drain")
    qc_empty_at, q = None, q_load_end
    deadline = time.monotonic() + args.drain_timeout
    while time.monotonic() < deadline:
        q = await queue_state(url)
        if qc_empty_at is None and q["qc_ready"] == 0:
            qc_empty_at = q["t"]
        if q["qc_ready"] == 0 and q["ledger_ready"] == 0:
            break
        await asyncio.sleep(0.25)
    stop_watch.set()
    await watcher
    verdicts = {kind: n - verdicts_before.get(kind, 0) for kind, n in qc_verdicts(url).items()}

    in_window = [r for r in log.requests if window[0] <= r[2] <= window[1]]
    ok_submits = [r for r in in_window if r[0] == "submit" and r[3] == 200]
    ok_reserves = [r for r in in_window if r[0] == "reserve" and r[3] == 200]
    window_s = window[1] - window[0]
    qc_window = (q_window_end["qc_done"] - q_window_start["qc_done"]) / (q_window_end["t"] - q_window_start["t"])
    drained = q["qc_ready"] == 0 and q["ledger_ready"] == 0
    result = {
        "name": name,
        "giggers": len(giggers),
        "submissions_per_s": len(ok_submits) / window_s,
        "submissions": len(ok_submits),
        "submissions_total": q["submissions"] - q_start["submissions"],
        "submit": latency_summary([r[2] - r[1] for r in ok_submits]),
        "reserve": latency_summary([r[2] - r[1] for r in ok_reserves]),
        "failed": sum(1 for r in in_window if r[3] != 200),
        "errors": log.errors.most_common(6),
        "qc_per_s_window": qc_window,
        "qc_backlog_at_end": q_load_end["qc_ready"],
        "qc_drain_s": (qc_empty_at - t_load_end) if qc_empty_at else None,
        "ledger_drained": drained,
        "qc_per_s_overall": ((q["qc_done"] - q_start["qc_done"]) / (qc_empty_at - t_start)) if qc_empty_at else None,
        "dead_tasks": q["dead"],
        "verdicts": verdicts,
        "cpu": cpu_used,
        # Per submission stored by the database in the window (its own count, so that it
        # matches the statistics' clock rather than the client's).
        "db_work": db_work(stats_start, stats_end, q_window_end["submissions"] - q_window_start["submissions"]),
    }
    say(f"phase {name}: {result['submissions_per_s']:.1f} submissions/s, submit p50 {fmt_ms(result['submit']['p50'])} "
        f"p99 {fmt_ms(result['submit']['p99'])}, QC {qc_window:.1f}/s during load, "
        f"drained {fmt_s(result['qc_drain_s'])} after")
    return result


def make_photos(count, target_bytes=200_000, width=1600, height=1200):
    """`count` different real JPEGs of about target_bytes at the size the app's camera
    sends (1600 px), each a different picture: the QC stage's near-duplicate check would
    send a repeated photo to review, which is right for a gig but not what a benchmark
    of ordinary work should measure.

    Pure noise at 1600 x 1200 would be ~2 MB, so each is smooth random colour (upscaled
    noise, its own seed) with a little per-pixel grain; the grain and JPEG quality that
    give the size are searched on the first and reused for the rest.
    """
    from PIL import Image

    def picture(seed, alpha):
        rnd = random.Random(seed)
        coarse = Image.frombytes("RGB", (width // 16, height // 16), rnd.randbytes(width // 16 * (height // 16) * 3))
        coarse = coarse.resize((width, height), Image.BICUBIC)
        grain = Image.frombytes("L", (width, height), rnd.randbytes(width * height)).convert("RGB")
        return Image.blend(coarse, grain, alpha)

    def encode(image, quality):
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=quality)
        return buf.getvalue()

    best = None  # (bytes, alpha, quality)
    for alpha in (0.05, 0.1, 0.2, 0.35, 0.5):
        image = picture(0, alpha)
        lo, hi = 10, 95
        while lo <= hi:
            quality = (lo + hi) // 2
            data = encode(image, quality)
            if best is None or abs(len(data) - target_bytes) < abs(len(best[0]) - target_bytes):
                best = (data, alpha, quality)
            lo, hi = (quality + 1, hi) if len(data) < target_bytes else (lo, quality - 1)
        if abs(len(best[0]) - target_bytes) < target_bytes * 0.05:
            break
    first, alpha, quality = best
    return [first] + [encode(picture(seed, alpha), quality) for seed in range(1, count)]


# ---------------------------------------------------------------------------------------
# pgbench

PGBENCH_SCRIPT = """\
-- The writes of one gig in one transaction: what "get a gig" (reserve.rs) and the
-- submission (submit.rs) write, without their reads, sessions or HTTP. One client is
-- one gigger, as in the end-to-end run (one active reservation per gigger and job).
\\set unit random(:umin, :umax)
\\set gigger :gmin + :client_id
BEGIN;
UPDATE units SET slots_left = slots_left - 1 WHERE job_id = :job AND id = :unit;
INSERT INTO reservations (job_id, unit_id, gigger_id, reserved_at, deadline, form_version)
    VALUES (:job, :unit, :gigger, now(), now() + interval '10 minutes', :form)
    RETURNING id AS res \\gset
INSERT INTO submissions (job_id, unit_id, reservation_id, gigger_id, form_version, answers, idempotency_key,
        request_digest, received_at, late, pay_paise)
    VALUES (:job, :unit, :res, :gigger, :form, '{answers}', gen_random_uuid(), md5(random()::text), now(), false, 200)
    RETURNING id AS sub \\gset
UPDATE reservations SET status = 'submitted', ended_at = now() WHERE job_id = :job AND id = :res;
INSERT INTO submission_events (job_id, submission_id, kind, detail, at)
    VALUES (:job, :sub, 'received', '{{"late": false, "photos": 0}}', now());
INSERT INTO stage_tasks (job_id, stage, subject_id) VALUES (:job, 'qc', :sub)
    ON CONFLICT (job_id, stage, subject_id) DO NOTHING;
END;
"""


def run_pgbench(binary, args, work, kind="writes"):
    """pgbench at the end-to-end run's concurrency, on a database of its own: `writes`
    runs PGBENCH_SCRIPT (the issue's comparison); `statements` runs
    bench/gig_statements.pgbench, the statements the server itself sends for a gig."""
    database = PGBENCH_DB if kind == "writes" else STATEMENTS_DB
    say(f"pgbench ({kind}): preparing {database} (migrate, seed, the same job)")
    url = fresh_database(database)
    run_bin(binary, url, "migrate")
    run_bin(binary, url, "seed")
    if kind == "writes":
        # Slots enough that no unit runs out whatever random() picks.
        job = prepare_job(url, args.units, slots_per_unit=10_000)
    else:
        # One slot per unit as in the end-to-end run, and units enough for ~3,500 gigs/s.
        job = prepare_job(url, max(args.units, round(3500 * (args.warmup + args.duration))), slots_per_unit=1)
    psql(url, f"""insert into users (role, phone)
                  select 'gigger', '{PHONE_PREFIX}' || lpad(n::text, 4, '0') from generate_series(1, {args.giggers}) n;
                  insert into gigger_profiles (user_id, city, pincode, languages)
                  select id, 'Bengaluru', '560001', '{{en}}' from users where phone like '{PHONE_PREFIX}%';
                  analyze;""")
    umin, umax = psql(url, f"select min(id), max(id) from units where job_id = {job}").split("|")
    gmin = psql(url, f"select min(id) from users where phone like '{PHONE_PREFIX}%'")
    form = psql(url, f"select max(version) from job_form_versions where job_id = {job}")
    common = ["pgbench", "-n", "-M", "prepared", "-c", str(args.giggers), "-j", str(min(2, args.giggers)),
              "-D", f"job={job}", "-D", f"gmin={gmin}"]
    if kind == "writes":
        script = work / "gig.sql"
        script.write_text(PGBENCH_SCRIPT.format(answers=json.dumps(TAG_ANSWERS)))
        common += ["-f", str(script), "-D", f"umin={umin}", "-D", f"umax={umax}", "-D", f"form={form}"]
    else:
        # The values the server binds that pgbench cannot compute (reserve.rs, submit/).
        common += ["-f", str(ROOT / "bench/gig_statements.pgbench"), "-D", f"unit_id={umin}",
                   "-D", "max_held=3", "-D", "metres_per_degree=111195.0", "-D", f"answers={json.dumps(TAG_ANSWERS)}",
                   "-D", "digest=" + "0" * 64, "-D", "late=false",
                   "-D", 'detail={"late": false, "photos": 0}', "-D", "stage=qc", "-D", "empty={}"]
    if args.warmup > 0:
        subprocess.run(common + ["-T", str(max(1, round(args.warmup))), url], check=True, capture_output=True)
    psql(url, "analyze")  # as the end-to-end phases do during their warm-up (analyze_during_warmup)
    say(f"pgbench ({kind}): {args.giggers} clients, {args.duration:g} s")
    seen = set(build_tools_running())
    cpu = CpuMeter()
    cpu.start()
    stats_start = asyncio.run(db_stats(url))
    done = subprocess.run(common + ["-T", str(max(1, round(args.duration))), "-l", f"--log-prefix={work}/pgbench",
                                    url], capture_output=True, text=True)
    cpu_used = cpu.stop()
    seen.update(build_tools_running())
    if done.returncode != 0:
        die(f"pgbench failed:\n{done.stdout}{done.stderr}")
    tps = float(re.search(r"tps = ([0-9.]+) \(without initial connection time\)", done.stdout).group(1))
    processed = int(re.search(r"number of transactions actually processed: (\d+)", done.stdout).group(1))
    time.sleep(0.5)  # the exited backends' statistics
    work_per_tx = db_work(stats_start, asyncio.run(db_stats(url)), processed)
    failed = re.search(r"number of failed transactions: (\d+)", done.stdout)
    latencies = []
    for log in work.glob("pgbench.*"):
        for line in log.read_text().splitlines():
            latencies.append(int(line.split()[2]) / 1e6)  # client tx_no latency_us ...
    for log in work.glob("pgbench.*"):
        log.unlink()
    say(f"pgbench ({kind}): {tps:.1f} tps")
    return {"kind": kind, "tps": tps, "latency": latency_summary(latencies), "failed": int(failed.group(1)) if failed else 0,
            "cpu": cpu_used, "build_tools": seen, "db_work": work_per_tx}


# ---------------------------------------------------------------------------------------
# Report


def fmt_ms(v):
    return "-" if v is None else (f"{v:.1f} ms" if v < 100 else f"{v:.0f} ms")


def fmt_s(v):
    return "not within the timeout" if v is None else f"{v:.1f} s"


def machine_notes(binary):
    cpu_model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "?")
    mem_gb = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    built = datetime.datetime.fromtimestamp(binary.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    pg_version = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu_model,
        "mem": f"{mem_gb:.0f} GB",
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "binary": f"{binary} (built {built})",
        "postgres": pg_version,
        "load_before": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    }


def report(args, notes, phases, bench, statements, build_tools_seen, problems):
    def row(label, *cells):
        return f"| {label} | " + " | ".join(cells) + " |"

    a = next((p for p in phases if p["name"] == "json"), None)
    benches = [b for b in (bench, statements) if b]
    cols = [p for p in phases] + benches
    bench_names = {"writes": "pgbench (writes of one gig)", "statements": "pgbench (the server's statements of one gig)"}
    header = [bench_names[p["kind"]] if "kind" in p else "JSON answers" if p["name"] == "json" else "one 200 KB photo"
              for p in cols]
    lines = [row("", *header), "|---|" + "---|" * len(cols)]

    def cells(fn, bench_fn=lambda b: "-"):
        return [bench_fn(p) if "kind" in p else fn(p) for p in cols]

    lines += [
        row("**submissions/s** (pgbench: tps)", *cells(lambda p: f"**{p['submissions_per_s']:.1f}**",
                                                        lambda b: f"**{b['tps']:.1f}**")),
        row("submit p50 / p99 / max", *cells(
            lambda p: f"{fmt_ms(p['submit']['p50'])} / {fmt_ms(p['submit']['p99'])} / {fmt_ms(p['submit']['max'])}",
            lambda b: f"{fmt_ms(b['latency']['p50'])} / {fmt_ms(b['latency']['p99'])} / {fmt_ms(b['latency']['max'])}")),
        row("reserve p50 / p99", *cells(lambda p: f"{fmt_ms(p['reserve']['p50'])} / {fmt_ms(p['reserve']['p99'])}")),
        row("submissions in the window (all, with warm-up)", *cells(
            lambda p: f"{p['submissions']} ({p['submissions_total']})", lambda b: str(round(b["tps"] * args.duration)))),
        row("failed requests in the window", *cells(lambda p: str(p["failed"]), lambda b: str(b["failed"]))),
        row("QC decisions/s during the load", *cells(lambda p: f"{p['qc_per_s_window']:.1f}")),
        row("QC backlog when the load stopped", *cells(lambda p: str(p["qc_backlog_at_end"]))),
        row("QC queue empty after", *cells(lambda p: fmt_s(p["qc_drain_s"]))),
        row("QC decisions/s, phase start to queue empty", *cells(
            lambda p: "-" if p["qc_per_s_overall"] is None else f"{p['qc_per_s_overall']:.1f}")),
        row("QC verdicts", *cells(
            lambda p: ", ".join(f"{k.removeprefix('qc_')} {v}" for k, v in p["verdicts"].items()))),
        row("ledger queue drained / dead tasks", *cells(
            lambda p: f"{'yes' if p['ledger_drained'] else 'NO'} / {p['dead_tasks']}")),
        row("CPU, cores: machine / server / postgres / bench client", *cells(
            lambda p: f"{p['cpu']['machine']:.2f} / {p['cpu']['server']:.2f} / {p['cpu']['postgres']:.2f} / "
                      f"{p['cpu']['client']:.2f}",
            lambda b: f"{b['cpu']['machine']:.2f} / - / {b['cpu']['postgres']:.2f} / {b['cpu']['children']:.2f} "
                      "(pgbench)")),
    ]
    out = [f"# End-to-end pipeline benchmark, {datetime.date.today().isoformat()}", ""]
    out.append(f"{args.giggers} concurrent simulated giggers (and pgbench clients), {args.warmup:g} s warm-up, "
               f"{args.duration:g} s measured per phase; release server with every stage worker "
               "(`gigforge serve`), client and PostgreSQL on the same machine; client: "
               + ("bench/load (Rust)." if args.client == "rust" else "aiohttp (Python)."))
    out.append("")
    out += lines
    out.append("")
    if a and bench:
        ratio = a["submissions_per_s"] / bench["tps"] if bench["tps"] else 0
        verdict = "met" if ratio >= 0.5 else "NOT met"
        out.append(f"**JSON submissions / pgbench = {ratio:.2f}** (goal >= 0.5: {verdict}).")
        out.append("")
    if a and statements and statements["tps"]:
        line = (f"JSON submissions / pgbench running the server's own statements of a gig = "
                f"{a['submissions_per_s'] / statements['tps']:.2f}")
        if bench and bench["tps"]:
            line += f"; those statements in pgbench / the writes in pgbench = {statements['tps'] / bench['tps']:.2f}"
        out += [line + ".", ""]
    work = [(p["name"], p["db_work"]) for p in phases if p["db_work"]]
    for b in benches:
        if b["db_work"]:
            work.append((f"pgbench ({b['kind']})", b["db_work"]))
    if work:
        out.append("Database work per submission in the measured window (PostgreSQL's statistics; the "
                   "pipeline's QC and ledger work included as it happened):")
        out.append("")
        out.append("| | commits | rows written | rows written per table |")
        out.append("|---|---|---|---|")
        for name, w in work:
            tables = ", ".join(f"{t} {n:.1f}" for t, n in w["tables"] if n >= 0.05)
            out.append(f"| {name} | {w['commits']:.1f} | {w['rows_written']:.1f} | {tables} |")
        out.append("")
    out.append("Machine and conditions:")
    out.append("")
    out.append(f"- {notes['nproc']} cores ({notes['cpu']}), {notes['mem']} RAM; {notes['postgres']}, the private "
               "cluster of scripts/pg.sh (synchronous_commit=off)")
    out.append(f"- commit {notes['commit']}; {notes['binary']}")
    out.append(f"- load average before the run: {notes['load_before']}")
    tools = sorted(build_tools_seen.union(*(b["build_tools"] for b in benches)))
    out.append("- compilers during the measurements: " +
               ("**yes, " + ", ".join(tools) + "**: figures are not representative" if tools else "none"))
    busy = [f"{p['name']}: " + ", ".join(f"{n} {c:.2f}" for n, c in sorted(p["cpu"]["others"].items(), key=lambda x: -x[1]))
            for p in phases if p["cpu"]["others"]]
    for b in benches:
        if b["cpu"]["others"]:
            busy.append(f"pgbench ({b['kind']}): " + ", ".join(
                f"{n} {c:.2f}" for n, c in sorted(b["cpu"]["others"].items(), key=lambda x: -x[1])))
    out.append("- other processes using >= 0.05 cores during the measurements: " +
               ("; ".join(busy) if busy else "none (quiet machine)"))
    out.append("")
    errors = [(p["name"], e) for p in phases for e in p["errors"]]
    if errors:
        out.append("Refused or failed requests (whole phase, warm-up included):")
        out.append("")
        for name, ((kind, status, body), count) in errors:
            out.append(f"- {name}: {count} x {kind} HTTP {status}: `{body.strip()[:140]}`")
        out.append("")
    if problems:
        out.append("Server log warnings and errors (counts):")
        out.append("")
        for text, count in problems:
            out.append(f"- {count} x `{text[:160]}`")
        out.append("")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------


async def end_to_end(binary, args, work, build_tools_seen):
    say(f"preparing {E2E_DB} (migrate, seed, {args.units} units, {args.giggers} giggers)")
    url = fresh_database(E2E_DB)
    run_bin(binary, url, "migrate")
    run_bin(binary, url, "seed")
    job = prepare_job(url, args.units, slots_per_unit=1)
    server = Server(binary, url, work)
    phases, problems = [], []
    try:
        server.wait_ready()
        say(f"server on {server.base} (pid {server.proc.pid})")
        server.wait_precompressed()
        giggers = [Gigger(i, server.base) for i in range(args.giggers)]
        try:
            for g in giggers:  # one at a time: a code is read back from the shared sink file
                await g.sign_in(server.otp_file)
            # The profile form's rules are not under test: rows straight into the table.
            psql(url, f"""insert into gigger_profiles (user_id, city, pincode, languages)
                          select id, 'Bengaluru', '560001', '{{en}}' from users where phone like '{PHONE_PREFIX}%';
                          analyze;""")
            photo = None
            if "photo" in args.phases:
                photos = make_photos(args.photos)
                sizes = sorted(len(p) for p in photos)
                say(f"photos: {len(photos)} different 1600 x 1200 JPEGs, {sizes[0]}-{sizes[-1]} bytes")
                if args.client == "rust":
                    photo = work / "photos"  # the load client sends them in turn
                    photo.mkdir()
                    for i, data in enumerate(photos):
                        (photo / f"{i:04d}.jpg").write_bytes(data)
                else:
                    # One shared cycle: every submission of the phase gets the next picture.
                    photo = itertools.cycle(photos)
            for name in args.phases:
                phases.append(await run_phase(name, giggers, job, photo if name == "photo" else None, args, url,
                                              server.proc.pid, build_tools_seen))
        finally:
            for g in giggers:
                await g.close()
    finally:
        server.stop()
        problems = server.log_problems()
    return phases, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--giggers", type=int, default=16, help="concurrent giggers = pgbench clients (16)")
    parser.add_argument("-d", "--duration", type=float, default=30, help="measured seconds per phase (30)")
    parser.add_argument("-w", "--warmup", type=float, default=5, help="warm-up seconds before each phase (5)")
    parser.add_argument("--units", type=int, default=100_000, help="units added to the bench job (100000)")
    parser.add_argument("--photos", type=int, default=600,
                        help="different photos, used in turn (600); a photo used again is a near-duplicate, "
                             "which QC sends to review")
    parser.add_argument("--phases", default="json,photo", help="json,photo (default), json or photo")
    parser.add_argument("--no-pgbench", action="store_true", help="skip the pgbench comparisons")
    parser.add_argument("--no-statements", action="store_true",
                        help="skip pgbench with the server's own statements (bench/gig_statements.pgbench)")
    parser.add_argument("--client", choices=("rust", "python"), default="rust",
                        help="the simulated giggers' HTTP client: bench/load in Rust (default) or aiohttp here")
    parser.add_argument("--drain-timeout", type=float, default=600, help="seconds to wait for the queues (600)")
    parser.add_argument("--keep", action="store_true", help="keep the databases and the work directory")
    parser.add_argument("--out", help="the Markdown report (default bench/results/pipeline-e2e-<date>[-size].md)")
    args = parser.parse_args()
    args.phases = [p for p in args.phases.split(",") if p]
    if not args.phases or any(p not in ("json", "photo") for p in args.phases):
        die("--phases takes json, photo or json,photo")
    if not 1 <= args.giggers <= 150:
        die("--giggers must be 1..150 (the server's pool has 20 connections; the cluster allows 200)")
    for tool in ("psql", "pgbench"):
        if not shutil.which(tool):
            die(f"{tool} is needed (Debian: postgresql-client)")

    binary = find_binary()
    notes = machine_notes(binary)
    busy = build_tools_running()
    if busy:
        say(f"WARNING: compilers are running ({', '.join(sorted(set(busy)))}): figures will not be representative")
    pg("start")
    work = Path(tempfile.mkdtemp(prefix="gigforge-bench-e2e-"))
    build_tools_seen = set(busy)
    bench = statements = None
    try:
        phases, problems = asyncio.run(end_to_end(binary, args, work, build_tools_seen))
        if not args.no_pgbench:
            bench = run_pgbench(binary, args, work, "writes")
            if not args.no_statements:
                statements = run_pgbench(binary, args, work, "statements")
    finally:
        if args.keep:
            say(f"kept {E2E_DB}, {PGBENCH_DB}, {STATEMENTS_DB} and {work}")
        else:
            for database in (E2E_DB, PGBENCH_DB, STATEMENTS_DB):
                drop_database(database)
            shutil.rmtree(work, ignore_errors=True)

    text = report(args, notes, phases, bench, statements, build_tools_seen, problems)
    print()
    print(text)
    default_size = args.giggers == 16 and args.duration == 30 and args.warmup == 5
    suffix = "" if default_size else f"-n{args.giggers}-{args.duration:g}s"
    out = Path(args.out) if args.out else ROOT / f"bench/results/pipeline-e2e-{datetime.date.today().isoformat()}{suffix}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    say(f"written to {out}")


if __name__ == "__main__":
    main()
