#!/usr/bin/env python3
"""The participant side's benchmark, in one run, on SQLite and on PostgreSQL:

- page weight of every survey step, as transferred (brotli): on a first visit (the page and every
  file it loads) and on a repeat visit (the page, and only the files the browser may not keep);
- survey page requests per second over a static file of the same size from the same server, and
  autosaves per second over the raw single-row upsert, with p50/p95/p99 (the load tool's `bench`);
- the server's peak memory (resident set) over the run.

Usage: scripts/bench.py [--no-build] [--concurrency 200] [--seconds 10]
Needs the release build (built unless --no-build) and PostgreSQL at TEST_POSTGRES_URL.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POSTGRES = os.environ.get("TEST_POSTGRES_URL", "postgres://127.0.0.1:5432/test")
# The load generator is built apart from cargo-leptos's release build, so neither rebuilds the other.
TOOL_TARGET = os.path.join(ROOT, "target", "bench")
ASSET = re.compile(r"""/pkg/[\w.\-]+?\.(?:css|js|wasm)""")
LIMIT = 200 * 1024


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url, data=None, origin=None, cookie=None, compressed=True):
    """(status, headers, body as transferred) with brotli accepted and redirects not followed."""
    headers = {"Accept": "text/html"}
    if compressed:
        headers["Accept-Encoding"] = "br"
    if origin:
        headers["Origin"] = origin
    if cookie:
        headers["Cookie"] = cookie
    if data is not None:
        data = urllib.parse.urlencode(data).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with OPENER.open(request) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def html_of(url, cookie=None):
    """The page's HTML as text (fetched again without compression, to read its links)."""
    return fetch(url, cookie=cookie, compressed=False)[2].decode()


def answers_for(page):
    """Valid answers for every question of a study page, as its form sends them."""
    fields = []
    for question in page.get("questions", []):
        if not question.get("enabled", True):
            continue
        kind, qid = question["kind"], question["id"]
        if kind == "text":
            fields.append((qid, "Sam chooses; we review it together."))
        elif kind == "likert":
            fields.append((qid, "3"))
        elif kind == "choice":
            fields.append((qid, question["options"][0]["value"]))
        elif kind == "duration":
            fields += [(f"{qid}-years", "1"), (f"{qid}-months", "2")]
    return fields


def weigh_journey(base):
    """Walks the journey once; returns [(step, html bytes, [asset paths])] and the assets seen."""
    study = tomllib.load(open(os.path.join(ROOT, "studies", "sam.toml"), "rb"))
    steps = []

    cookie = None

    def weigh(name, path):
        status, _, body = fetch(base + path, cookie=cookie)
        assert status == 200, f"{path}: {status}"
        assets = ASSET.findall(html_of(base + path, cookie))
        steps.append((name, len(body), sorted(set(assets))))

    weigh("start", "/")
    weigh("information and consent", "/s/sam/consent")
    status, headers, _ = fetch(base + "/s/sam/consent", {"consent": "yes"}, origin=base)
    assert status == 303, f"consent: {status}"
    # The browser holds the private link in a cookie; addresses name only the study and step.
    cookie = next(c.split(";")[0] for c in headers.get_all("Set-Cookie") if c.startswith("resume-"))
    for page in study["pages"]:
        path = f"/s/sam/answers/{page['slug']}"
        weigh(page["slug"], path)
        status, _, _ = fetch(base + path, answers_for(page), origin=base, cookie=cookie)
        assert status == 303, f"{path}: {status}"
    check = "/s/sam/answers/check"
    weigh("check your answers", check)
    # The thanks page is the answer to the submit; a resend from this browser answers the same.
    status, _, body = fetch(base + check, {}, origin=base, cookie=cookie)
    assert status == 200, f"submit: {status}"
    status, _, html = fetch(base + check, {}, origin=base, cookie=cookie, compressed=False)
    assert status == 200, f"resent submit: {status}"
    steps.append(("thanks", len(body), sorted(set(ASSET.findall(html.decode())))))
    return steps


def asset_facts(base, paths):
    """For each file: bytes as transferred, and whether the browser may keep it (immutable)."""
    facts = {}
    for path in paths:
        status, headers, body = fetch(base + path)
        assert status == 200, f"{path}: {status}"
        kept = "immutable" in (headers.get("Cache-Control") or "")
        facts[path] = (len(body), kept)
    return facts


def weight_table(steps, facts):
    lines = [
        f"{'step':<26} {'HTML':>7} {'CSS':>7} {'JS':>7} {'wasm':>8} {'first visit':>12} {'repeat':>8}",
    ]
    worst_first, worst_repeat_files = 0, 0
    for name, html, assets in steps:
        by_kind = {"css": 0, "js": 0, "wasm": 0}
        repeat_files = 0
        for path in assets:
            size, kept = facts[path]
            by_kind[path.rsplit(".", 1)[1]] += size
            if not kept:
                repeat_files += size
        first = html + sum(by_kind.values())
        worst_first = max(worst_first, first)
        worst_repeat_files = max(worst_repeat_files, repeat_files)
        lines.append(
            f"{name:<26} {html:>7,} {by_kind['css']:>7,} {by_kind['js']:>7,} {by_kind['wasm']:>8,}"
            f" {first:>12,} {html + repeat_files:>8,}"
        )
    verdict = "yes" if worst_first <= LIMIT else "NO"
    lines.append(
        f"largest first visit {worst_first:,} B (at most {LIMIT:,}: {verdict}); "
        f"wasm, JS and CSS downloaded again on a repeat visit: {worst_repeat_files:,} B"
    )
    return "\n".join(lines)


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def run_engine(name, database_url, port, args, tool):
    base = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        LISTEN_ADDR=f"127.0.0.1:{port}",
        LEPTOS_SITE_ROOT=os.path.join(ROOT, "target", "site"),
        RUST_LOG="warn",
        RATE_LIMIT_REQUESTS_PER_MINUTE="100000000",
        RATE_LIMIT_STARTS_PER_MINUTE="100000000",
    )
    server = subprocess.Popen([os.path.join(ROOT, "target", "release", "server")], env=env, cwd=ROOT)
    try:
        for _ in range(200):
            try:
                if fetch(base + "/readyz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.05)
        steps = weigh_journey(base)
        facts = asset_facts(base, {path for _, _, assets in steps for path in assets})
        bench = subprocess.run(
            [tool, "bench", "--url", base, "--database-url", database_url,
             "--site-root", os.path.join(ROOT, "target", "site"),
             "--concurrency", str(args.concurrency), "--seconds-per-phase", str(args.seconds)],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout
        rss = peak_rss_kib(server.pid)
    finally:
        server.terminate()
        server.wait()
    return (
        f"=== {name} ===\npage weight per step, bytes transferred (brotli):\n"
        f"{weight_table(steps, facts)}\n\n{bench.rstrip()}\n"
        f"server peak resident memory: {rss / 1024:.1f} MiB\n"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if not args.no_build:
        subprocess.run(["cargo", "leptos", "build", "--release"], cwd=ROOT, check=True)
        subprocess.run(
            ["cargo", "build", "--release", "-p", "loadtest", "--target-dir", TOOL_TARGET],
            cwd=ROOT, check=True,
        )
    tool = os.path.join(TOOL_TARGET, "release", "loadtest")
    reports = []
    with tempfile.TemporaryDirectory() as scratch:
        reports.append(run_engine("SQLite", f"sqlite://{scratch}/bench.db", 3395, args, tool))
    database = f"vignette_bench_{os.getpid()}"
    subprocess.run(["psql", POSTGRES, "-qc", f"CREATE DATABASE {database}"], check=True)
    try:
        postgres = POSTGRES.rsplit("/", 1)[0] + "/" + database
        reports.append(run_engine("PostgreSQL", postgres, 3396, args, tool))
    finally:
        subprocess.run(["psql", POSTGRES, "-qc", f"DROP DATABASE IF EXISTS {database}"], check=True)
    print("\n".join(reports))


if __name__ == "__main__":
    sys.exit(main())
