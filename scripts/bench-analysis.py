#!/usr/bin/env python3
"""The analysis pages at scale (not part of `make test`), in one run on SQLite: seeds N submitted
Sam responses (10,000 by default) and two codings of each answer to R2 (8 codes), then times
opening, as a signed-in researcher, the question grid of R2 (its first and last pages of 50
answers, each with its codings and coding form), a code's collated extracts (a quarter of the codings), and the plain page of
the same answers side by side, which the grid is compared with. Prints medians of several runs,
the pages' sizes and the server's peak memory.

Usage: scripts/bench-analysis.py [--participants 10000] [--rounds 5] [--no-build]
Needs sqlite3 (Debian package sqlite3).
"""

import argparse
import base64
import hashlib
import hmac
import os
import re
import sqlite3
import statistics
import struct
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from bench import OPENER, peak_rss_kib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "server")
EMAIL = "bench@example.org"
PASSWORD = "bench kettle orbit lantern 42"
CODES = 8


def fetch(base, path, data=None, cookie=None):
    """(status, headers, body) of one request, redirects not followed."""
    headers = {"Accept": "text/html", "Origin": base}
    if cookie:
        headers["Cookie"] = cookie
    if data is not None:
        data = urllib.parse.urlencode(data).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(base + path, data=data, headers=headers)
    try:
        with OPENER.open(request, timeout=600) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def cookie_of(headers):
    return "; ".join(c.split(";")[0] for c in headers.get_all("Set-Cookie") or [])


def totp(key):
    """The code an authenticator app shows now (RFC 6238: SHA-1, 6 digits, 30 s)."""
    secret = base64.b32decode(key.replace(" ", "").upper() + "=" * (-len(key.replace(" ", "")) % 8))
    digest = hmac.new(secret, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def sign_in(base):
    """Signs the bench account in, setting up two-factor on the way; returns the session cookie."""
    status, headers, _ = fetch(base, "/admin/sign-in", {"email": EMAIL, "password": PASSWORD})
    assert status == 303, f"sign-in: {status}"
    cookie = cookie_of(headers)
    status, headers, _ = fetch(base, "/admin/sign-in", cookie=cookie)
    setup = headers["Location"]
    page = fetch(base, setup, cookie=cookie)[2].decode()
    key = re.search(r'class="secret-key"[^>]*>([^<]+)<', page).group(1).strip()
    action = re.search(r'<form[^>]*action="([^"]+)"', page[page.find("secret-key"):]).group(1)
    # Two-factor on, the page shows the recovery codes once, in the answer to the post.
    status, headers, body = fetch(base, action, {"code": totp(key)}, cookie=cookie)
    assert status == 200 and b"recovery codes" in body, f"two-factor setup: {status}"
    return cookie_of(headers) or cookie


def seed(database, participants, env):
    # Creates and migrates the database, and publishes the studies.
    subprocess.run([SERVER, "export", "--study", "sam", "--format", "codebook-csv", "--out", os.devnull],
                   env=env, check=True, capture_output=True)
    with open(os.path.join(ROOT, "scripts", "bench-seed.sql"), "rb") as sql:
        subprocess.run(["sqlite3", "-cmd", f".parameter set :participants {participants}", database],
                       stdin=sql, check=True)
    subprocess.run([SERVER, "user", "add", "--email", EMAIL, "--role", "owner"], input=PASSWORD + "\n",
                   text=True, env=env, check=True, capture_output=True)
    db = sqlite3.connect(database)
    staff = db.execute("SELECT id FROM staff WHERE email = ?", (EMAIL,)).fetchone()[0]
    codes = [str(uuid.uuid4()) for _ in range(CODES)]
    db.executemany(
        "INSERT INTO codes (id, study_slug, name, definition, created_by, created_at) VALUES (?, 'sam', ?, ?, ?, 0)",
        [(code, f"Code {n + 1}", f"What code {n + 1} captures", staff) for n, code in enumerate(codes)],
    )
    answers = db.execute(
        "SELECT r.id, r.participant_number, a.value FROM responses r JOIN answers a ON a.response_id = r.id "
        "WHERE a.question_id = 'r2' AND r.participant_number IS NOT NULL").fetchall()
    codings = []
    for response, number, text in answers:
        digest = hashlib.sha256(text.encode()).hexdigest()
        for code, (start, end) in ((codes[number % CODES], (0, 40)), (codes[(number + 3) % CODES], (41, 80))):
            codings.append((str(uuid.uuid4()), response, code, staff, start, end, text[start:end], digest))
    db.executemany(
        "INSERT INTO codings (id, study_slug, response_id, question_id, code_id, coder, start_point, end_point, "
        "extract, answer_hash, created_at) VALUES (?, 'sam', ?, 'r2', ?, ?, ?, ?, ?, ?, 0)", codings)
    db.commit()
    return codes[0], len(answers), len(codings)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "-p", "server"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="bench-analysis-")
    database = os.path.join(work, "bench.db")
    port = 3900 + os.getpid() % 90
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, DATABASE_URL=f"sqlite://{database}", STUDIES_DIR=os.path.join(ROOT, "studies"),
               TWO_FACTOR_KEY_FILE=os.path.join(work, "two-factor.key"), LISTEN_ADDR=f"127.0.0.1:{port}",
               RUST_LOG="warn", RATE_LIMIT_REQUESTS_PER_MINUTE="100000000")
    started = time.monotonic()
    code, answers, codings = seed(database, args.participants, env)
    seeded = time.monotonic() - started
    server = subprocess.Popen([SERVER], env=env, cwd=ROOT)
    try:
        for _ in range(400):
            try:
                if fetch(base, "/readyz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.05)
        cookie = sign_in(base)
        pages = [
            ("answers side by side (R2)", "/admin/studies/sam/questions/r2"),
            ("question grid (R2), first page", "/admin/studies/sam/analysis/questions/r2"),
            ("question grid (R2), last page", f"/admin/studies/sam/analysis/questions/r2?page={-(-answers // 50)}"),
            ("collated extracts of one code", f"/admin/studies/sam/analysis/codes/{code}"),
        ]
        timings = {path: [] for _, path in pages}
        sizes = {}
        for _ in range(args.rounds):
            for _, path in pages:
                begun = time.monotonic()
                status, _, body = fetch(base, path, cookie=cookie)
                timings[path].append(time.monotonic() - begun)
                assert status == 200, f"{path}: {status}"
                sizes[path] = len(body)
        rss = peak_rss_kib(server.pid)
    finally:
        server.terminate()
        server.wait()
    baseline = statistics.median(timings[pages[0][1]])
    print(f"{args.participants} participants, {answers} answers to R2, {codings} codings of {CODES} codes "
          f"(seeded in {seeded:.1f} s); median of {args.rounds} runs each, SQLite, release build")
    print("| page | seconds (median) | slowest | HTML (MB) | time / side by side |")
    print("| --- | --- | --- | --- | --- |")
    for name, path in pages:
        median = statistics.median(timings[path])
        print(f"| {name} | {median:.2f} | {max(timings[path]):.2f} | {sizes[path] / 1e6:.1f} | {median / baseline:.2f} |")
    print(f"server peak resident memory: {rss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
