#!/usr/bin/env python3
"""Load generator of bench/writers.sh: mixed concurrent writers against a
running Masthead, with public reads measured alone (the baseline) and while
the writers run, in the same run. Also the memory phases (failed sign-ins from
many addresses, reply posts). Standard library only.

    writers.py BASE_URL PID ADMIN_EMAIL ADMIN_PASSWORD SECONDS WRITERS

Prints a report; exits 1 when any answer was a 5xx or a target was missed
(p99 of any write kind over 1 s, resident memory over 64 MB).
"""

import http.client
import json
import multiprocessing
import os
import sys
import threading
import time
import urllib.request
import uuid
from urllib.parse import urlparse

TARGET_MB = 64
TARGET_P99_MS = 1000
READERS = 4
READ_KINDS = ("read", "control")
# Shares of the writers per kind (rounded; every kind gets at least one).
KINDS = ["create", "save", "publish", "reply", "moderate", "refresh", "account"]


class Client:
    """One keep-alive HTTP connection, optionally from its own source address."""

    def __init__(self, base, source=None):
        url = urlparse(base)
        self.host, self.port, self.source = url.hostname, url.port, source
        self.connection = None

    def request(self, method, path, body=None, token=None, headers=None):
        all_headers = dict(headers or {})
        if body is not None:
            all_headers["Content-Type"] = "application/json"
            body = json.dumps(body)
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        for attempt in (0, 1):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=60,
                    source_address=(self.source, 0) if self.source else None)
            try:
                self.connection.request(method, path, body, all_headers)
                response = self.connection.getresponse()
                data = response.read()
                return response.status, dict(response.getheaders()), data
            except (http.client.HTTPException, ConnectionError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.connection.close()
                self.connection = None
                if attempt:
                    raise

    def json(self, method, path, body=None, token=None, headers=None, expect=(200, 201, 202, 204)):
        status, response_headers, data = self.request(method, path, body, token, headers)
        if status not in expect:
            raise RuntimeError(f"{method} {path}: {status} {data[:300]!r}")
        return (json.loads(data) if data else None), response_headers


def rss_mb(pid):
    """Resident memory in MB: (total, anonymous, file-backed). The file-backed
    part is the binary's own code and data paged in from disk: shared with the
    page cache and dropped by the kernel under pressure, but resident."""
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
                fields[name] = int(value.split()[0]) / 1024
    nan = float("nan")
    return (fields.get("VmRSS", nan), fields.get("RssAnon", nan),
            fields.get("RssFile", nan) + fields.get("RssShmem", 0))


def cache_counts():
    """(hits, misses) of the public cache so far, from the metrics listener."""
    url = os.environ.get("MASTHEAD_BENCH_METRICS")
    if not url:
        return None
    counts = {"hits": 0.0, "misses": 0.0}
    with urllib.request.urlopen(url, timeout=10) as response:
        for line in response.read().decode().splitlines():
            for kind in counts:
                if line.startswith(f"masthead_public_cache_{kind}"):
                    counts[kind] += float(line.rsplit(" ", 1)[1])
    return counts["hits"], counts["misses"]


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# ---------------------------------------------------------------- memory phases

def failed_sign_ins(base, count, parallel=8):
    def attempt(i):
        client = Client(base, f"127.0.{1 + i // 250}.{1 + i % 250}")
        status, _, _ = client.request("POST", "/api/v1/auth/login",
                                      {"email": f"nobody-{i}@example.org",
                                       "password": "not the password at all"})
        return status
    return run_parallel(attempt, count, parallel)


def reply_posts(base, slug, count, parallel=8):
    def post(i):
        client = Client(base, f"127.1.{1 + i // 250}.{1 + i % 250}")
        status, _, _ = client.request("POST", f"/api/v1/articles/{slug}/replies",
                                      {"author_name": "Bench Reader",
                                       "author_email": "bench@example.org",
                                       "body": f"Reply number {i}: {uuid.uuid4().hex}"})
        return status
    return run_parallel(post, count, parallel)


def run_parallel(function, count, parallel):
    statuses, lock, next_index = [], threading.Lock(), [0]

    def worker():
        while True:
            with lock:
                i = next_index[0]
                next_index[0] += 1
            if i >= count:
                return
            status = function(i)
            with lock:
                statuses.append(status)
    threads = [threading.Thread(target=worker) for _ in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {s: statuses.count(s) for s in sorted(set(statuses))}


# ---------------------------------------------------------------- the writers

def writer_loop(kind, index, base, setup, deadline, out):
    """One writer: repeats its kind of write until the deadline; appends
    (kind, status, ms) to out."""
    client = Client(base, f"127.3.{1 + index // 250}.{1 + index % 250}")
    admin = setup["admin_token"]
    state = setup["per_writer"].get(f"{kind}:{index}", {})
    n = 0
    while time.monotonic() < deadline:
        n += 1
        started = time.perf_counter()
        if kind == "create":
            status, _, _ = client.request("POST", "/api/v1/admin/articles",
                                          {"title": f"Bench story {index}-{n} {uuid.uuid4().hex[:8]}"}, admin)
        elif kind == "save":
            document = state["document"]
            document["title"] = f"Saved draft {index} revision {n}"
            status, headers, data = client.request(
                "PUT", f"/api/v1/admin/articles/{state['id']}", document, admin,
                {"If-Match": state["etag"]})
            if status == 200:
                state["etag"] = headers.get("ETag") or headers.get("etag")
        elif kind == "publish":
            action = "publish" if n % 2 else "unpublish"
            status, _, _ = client.request("POST", f"/api/v1/admin/articles/{state['id']}/{action}",
                                          None, admin)
        elif kind == "reply":
            slug = setup["open_slug"] if n % 2 else setup["moderated_slug"]
            status, _, _ = client.request("POST", f"/api/v1/articles/{slug}/replies",
                                          {"author_name": f"Writer {index}",
                                           "author_email": "writer@example.org",
                                           "body": f"Reply {n} from writer {index}: {uuid.uuid4().hex}"})
        elif kind == "moderate":
            action = "approve" if n % 2 else "reject"
            status, _, _ = client.request("POST", f"/api/v1/admin/replies/{state['reply']}/{action}",
                                          None, admin)
        elif kind == "refresh":
            status, _, data = client.request("POST", "/api/v1/auth/refresh",
                                             {"refresh_token": state["refresh_token"]})
            if status == 200:
                state["refresh_token"] = json.loads(data)["refresh_token"]
        elif kind == "account":
            status, _, _ = client.request("PATCH", f"/api/v1/admin/users/{state['user']}",
                                          {"bio": f"Covers the night shift, edition {n}."}, admin)
        else:
            raise ValueError(kind)
        out.append((kind, status, (time.perf_counter() - started) * 1000))


def reader_loop(index, base, paths, deadline, out, kind="read", pause=0.0):
    client = Client(base)
    n = 0
    while time.monotonic() < deadline:
        path = paths[n % len(paths)]
        n += 1
        started = time.perf_counter()
        status, _, _ = client.request("GET", path)
        out.append((kind, status, (time.perf_counter() - started) * 1000, path))
        if pause:
            time.sleep(pause)


def process_main(jobs, base, setup, start_at, seconds, queue):
    """One process runs a group of writer/reader threads (spread over
    processes so Python's interpreter lock does not serialize the clients).
    Writers' processes run at a lower priority (nice 10): the load generator
    shares the server's cores here, which no real newsroom's clients do, and
    the readers' own process must not wait behind it to measure the server."""
    if all(job[0] not in READ_KINDS for job in jobs):
        os.nice(10)
    out = []
    while time.time() < start_at:
        time.sleep(0.005)
    deadline = time.monotonic() + seconds
    threads = []
    for job in jobs:
        if job[0] == "read":
            target = (reader_loop, (job[1], base, setup["read_paths"], deadline, out))
        elif job[0] == "control":
            # 200 a second of what needs neither cache nor database: how
            # much of the readers' wait is the shared machine itself.
            target = (reader_loop, (job[1], base, ["/healthz"], deadline, out, "control", 0.005))
        else:
            target = (writer_loop, (job[0], job[1], base, setup, deadline, out))
        threads.append(threading.Thread(target=target[0], args=target[1]))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(out)


def run_phase(base, setup, jobs, seconds, processes):
    # Readers in a process of their own, writers spread over the rest.
    reads = [job for job in jobs if job[0] in READ_KINDS]
    writes = [job for job in jobs if job[0] not in READ_KINDS]
    spread = max(1, processes - 1) if reads else processes
    groups = [reads] + [writes[i::spread] for i in range(spread)]
    queue = multiprocessing.Queue()
    start_at = time.time() + 0.5
    workers = [multiprocessing.Process(target=process_main,
                                       args=(group, base, setup, start_at, seconds, queue))
               for group in groups if group]
    for worker in workers:
        worker.start()
    results = []
    for _ in workers:
        results.extend(queue.get())
    for worker in workers:
        worker.join()
    return results


def writer_jobs(writers):
    per_kind = {kind: writers // len(KINDS) for kind in KINDS}
    for kind in KINDS[: writers % len(KINDS)]:
        per_kind[kind] += 1
    return [(kind, i) for kind in KINDS for i in range(max(1, per_kind[kind]))]


# ---------------------------------------------------------------- setup

def prepare(base, admin_email, admin_password, jobs):
    client = Client(base)
    login, _ = client.json("POST", "/api/v1/auth/login",
                           {"email": admin_email, "password": admin_password})
    admin = login["access_token"]
    articles, _ = client.json("GET", "/api/v1/articles?limit=100")
    open_slug = next(a["slug"] for a in articles["data"] if a["reply_policy"] == "open")
    moderated_slug = next(a["slug"] for a in articles["data"] if a["reply_policy"] == "moderated")
    per_writer = {}
    for kind, index in jobs:
        key = f"{kind}:{index}"
        if kind in ("save", "publish"):
            created, headers = client.json("POST", "/api/v1/admin/articles",
                                           {"title": f"Bench {kind} {index} {uuid.uuid4().hex[:8]}"}, admin)
            document, headers = client.json("GET", f"/api/v1/admin/articles/{created['id']}", None, admin)
            per_writer[key] = {"id": created["id"], "document": document,
                               "etag": headers.get("ETag") or headers.get("etag")}
        elif kind == "moderate":
            reply, _ = client.json("POST", f"/api/v1/articles/{moderated_slug}/replies",
                                   {"author_name": "Held Reader", "author_email": "held@example.org",
                                    "body": f"Waiting for a moderator {uuid.uuid4().hex}"})
            per_writer[key] = {"reply": reply["id"]}
        elif kind in ("refresh", "account"):
            email = f"bench-{kind}-{index}-{uuid.uuid4().hex[:8]}@newsroom.example"
            password = f"correct horse battery {uuid.uuid4().hex}"
            created, _ = client.json("POST", "/api/v1/admin/users",
                                     {"email": email, "display_name": f"Bench {kind} {index}",
                                      "role": "author", "password": password}, admin)
            if kind == "refresh":
                session, _ = client.json("POST", "/api/v1/auth/login",
                                         {"email": email, "password": password})
                per_writer[key] = {"refresh_token": session["refresh_token"]}
            else:
                per_writer[key] = {"user": created["user"]["id"]}
    return {"admin_token": admin, "open_slug": open_slug, "moderated_slug": moderated_slug,
            "per_writer": per_writer,
            "read_paths": [f"/api/v1/articles/{open_slug}", "/api/v1/articles?limit=10",
                           f"/api/v1/articles/{open_slug}/replies?limit=20"]}


# ---------------------------------------------------------------- report

def summarize(results, kinds):
    rows = []
    for kind in kinds:
        answers = [r for r in results if r[0] == kind]
        ms = [r[2] for r in answers]
        rows.append({
            "kind": kind,
            "count": len(answers),
            "ok": sum(1 for r in answers if 200 <= r[1] < 300),
            "4xx": sum(1 for r in answers if 400 <= r[1] < 500),
            "5xx": sum(1 for r in answers if r[1] >= 500),
            "p50": percentile(ms, 0.50),
            "p99": percentile(ms, 0.99),
        })
    return rows


def main():
    base, pid, admin_email, admin_password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    seconds, writers = float(sys.argv[5]), int(sys.argv[6])
    label = sys.argv[7] if len(sys.argv) > 7 else "server"
    failed = []
    memory = [("at start (demo loaded)", rss_mb(pid))]

    statuses = failed_sign_ins(base, 200)
    print(f"[{label}] 200 failed sign-ins from 200 addresses, 8 at a time: {statuses}")
    memory.append(("after 200 failed sign-ins", rss_mb(pid)))
    client = Client(base)
    articles, _ = client.json("GET", "/api/v1/articles?limit=100")
    open_slug = next(a["slug"] for a in articles["data"] if a["reply_policy"] == "open")
    statuses = reply_posts(base, open_slug, 1000)
    print(f"[{label}] 1,000 reply posts, 8 at a time: {statuses}")
    memory.append(("after 1,000 reply posts", rss_mb(pid)))

    jobs = writer_jobs(writers)
    setup = prepare(base, admin_email, admin_password, jobs)
    readers = [("read", i) for i in range(READERS)] + [("control", 0)]
    processes = max(2, min(8, multiprocessing.cpu_count() * 2))

    print(f"[{label}] baseline: {READERS} public readers alone for {seconds:g} s")
    baseline = run_phase(base, setup, readers, seconds, 1)
    print(f"[{label}] mixed: {len(jobs)} writers and {READERS} public readers for {seconds:g} s")
    cache_before = cache_counts()
    mixed = run_phase(base, setup, jobs + readers, seconds, processes)
    cache_after = cache_counts()
    memory.append(("after the whole benchmark", rss_mb(pid)))

    print()
    print(f"[{label}] {len(jobs)} concurrent writers ({', '.join(f'{k} {sum(1 for j in jobs if j[0] == k)}' for k in KINDS)}), {seconds:g} s")
    print(f"{'kind':10} {'count':>7} {'2xx':>7} {'4xx':>5} {'5xx':>5} {'p50 ms':>8} {'p99 ms':>8}")
    for row in summarize(mixed, KINDS + ["read"]):
        print(f"{row['kind']:10} {row['count']:>7} {row['ok']:>7} {row['4xx']:>5} {row['5xx']:>5} "
              f"{row['p50']:>8.1f} {row['p99']:>8.1f}")
        if row["5xx"]:
            failed.append(f"{row['kind']}: {row['5xx']} answers 5xx")
        if row["kind"] != "read" and row["p99"] > TARGET_P99_MS:
            failed.append(f"{row['kind']}: p99 {row['p99']:.0f} ms > {TARGET_P99_MS} ms")
    alone = summarize(baseline, ["read"])[0]
    meanwhile = summarize(mixed, ["read"])[0]
    print(f"public reads alone (baseline):   {alone['count']:>7} answers in {seconds:g} s, "
          f"p50 {alone['p50']:.2f} ms, p99 {alone['p99']:.2f} ms")
    print(f"public reads during the writers: {meanwhile['count']:>7} answers in {seconds:g} s, "
          f"p50 {meanwhile['p50']:.2f} ms ({meanwhile['p50'] / alone['p50']:.2f} x), "
          f"p99 {meanwhile['p99']:.2f} ms ({meanwhile['p99'] / alone['p99']:.2f} x)")
    for path in setup["read_paths"]:
        by_path = [percentile([r[2] for r in rows if r[0] == "read" and r[3] == path], q)
                   for rows in (baseline, mixed) for q in (0.50, 0.99)]
        print(f"  {path:60} alone p50 {by_path[0]:.2f} / p99 {by_path[1]:.2f} ms, "
              f"with writers p50 {by_path[2]:.2f} / p99 {by_path[3]:.2f} ms")
    quiet, busy = (summarize(rows, ["control"])[0] for rows in (baseline, mixed))
    print(f"  control: /healthz (no cache, no database)                  alone p50 {quiet['p50']:.2f} / "
          f"p99 {quiet['p99']:.2f} ms, with writers p50 {busy['p50']:.2f} / p99 {busy['p99']:.2f} ms")
    if cache_before and cache_after:
        hits, misses = (after - before for after, before in zip(cache_after, cache_before))
        print(f"  public reads during the writers built afresh (cache misses): {misses:.0f} of "
              f"{hits + misses:.0f} ({100 * misses / max(1, hits + misses):.2f} %)")
    if alone["5xx"] or meanwhile["5xx"]:
        failed.append("reads answered 5xx")
    for name, (mb, anon, file) in memory:
        print(f"resident memory {name:28} {mb:7.1f} MB  {mb / TARGET_MB:5.2f} x the {TARGET_MB} MB target"
              f"  (anonymous {anon:.1f}, binary and other files {file:.1f})")
        if mb > TARGET_MB:
            failed.append(f"memory {name}: {mb:.1f} MB > {TARGET_MB} MB")
    if failed:
        print(f"[{label}] TARGETS MISSED: " + "; ".join(failed))
        sys.exit(1)
    print(f"[{label}] targets met: no 5xx, write p99 <= {TARGET_P99_MS} ms, memory <= {TARGET_MB} MB")


if __name__ == "__main__":
    main()
