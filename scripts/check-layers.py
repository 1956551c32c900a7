#!/usr/bin/env python3
"""Fails when the top-level modules of a crate import each other in a cycle, or when one feature
of the app imports another (features stand on the shared floor: auth, components, context, …).

For every crate under the workspace (a folder with Cargo.toml and src/), each file's `crate::x`
paths (grouped `use crate::{x, y::z}` included) and, in nested files, `super::` paths that climb
to the crate root, give edges "module of the file -> x". A strongly connected group of two or more
top-level modules is a cycle; the script names each edge inside it with a file and line.
    scripts/check-layers.py [CRATE_DIR ...]   (default: every crate in the workspace)
"""
import re
import sys
from pathlib import Path

# The app's features: each may import the floor and `domain`, never another feature.
FEATURES = {"app": {"admin", "analysis", "authoring", "export", "redaction", "survey", "workshop"}}

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def strip_comments(text):
    # Removes // and /* */ comments and string literals, keeping line numbers.
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j + 1
        elif c == "r" and re.match(r'r#*"', text[i:i + 8]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            hashes = re.match(r'r(#*)"', text[i:]).group(1)
            end = text.find('"' + hashes, i + 2 + len(hashes))
            end = n if end < 0 else end + 1 + len(hashes)
            out.append('""' + "\n" * text.count("\n", i, end))
            i = end
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i:i + 4]):
            m = re.match(r"'(\\.|[^\\'])'", text[i:])
            out.append("' '")
            i += len(m.group(0))
        else:
            out.append(c)
            i += 1
    return "".join(out)


def first_names(text, pos):
    """Names right after a `crate::` at pos: one ident, or the first ident of each item in braces."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos < len(text) and text[pos] == "{":
        depth, start, names = 0, pos + 1, []
        for k in range(pos, len(text)):
            if text[k] == "{":
                depth += 1
            elif text[k] == "}":
                depth -= 1
                if depth == 0:
                    names += item_names(text[start:k])
                    return names
            elif text[k] == "," and depth == 1:
                names += item_names(text[start:k])
                start = k + 1
        return names
    m = IDENT.match(text, pos)
    return [m.group(0)] if m else []


def item_names(item):
    m = IDENT.search(item)
    return [m.group(0)] if m else []


def module_of(src, path):
    rel = path.relative_to(src).with_suffix("").parts
    if rel[0] in ("lib", "main"):
        return None, 0
    # depth below the crate root of the module this file defines
    depth = len(rel) - (1 if rel[-1] == "mod" else 0)
    return rel[0], depth


def edges_of(crate):
    src = crate / "src"
    top = {p.stem for p in src.glob("*.rs") if p.stem not in ("lib", "main")}
    top |= {p.name for p in src.iterdir() if p.is_dir()}
    edges = {}
    for path in sorted(src.rglob("*.rs")):
        module, depth = module_of(src, path)
        if module is None:
            continue
        text = strip_comments(path.read_text(encoding="utf-8"))
        climbs = [("crate::", 0)]
        if depth >= 1:
            climbs.append(("super::" * depth, 0))
        for prefix, _ in climbs:
            for m in re.finditer(r"(?<![A-Za-z0-9_:])" + re.escape(prefix), text):
                for name in first_names(text, m.end()):
                    if name in top and name != module:
                        line = text.count("\n", 0, m.start()) + 1
                        edges.setdefault((module, name), f"{path}:{line}")
    return top, edges


def cycles(nodes, edges):
    graph = {n: sorted(b for (a, b) in edges if a == n) for n in nodes}
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    sys.setrecursionlimit(10000)
    for n in sorted(nodes):
        if n not in index:
            visit(n)
    return out


def main(args):
    root = Path(__file__).resolve().parent.parent
    crates = [Path(a) for a in args] or sorted(p.parent for p in root.glob("*/Cargo.toml") if (p.parent / "src").is_dir())
    failed = False
    for crate in crates:
        nodes, edges = edges_of(crate)
        features = FEATURES.get(crate.resolve().name, set())
        for (a, b), where in sorted(edges.items()):
            if a in features and b in features:
                failed = True
                print(f"{crate.name}: feature {a} imports feature {b} ({where}); move the shared piece to the floor")
        for group in cycles(nodes, edges):
            failed = True
            print(f"{crate.name}: import cycle between {', '.join(group)}")
            for (a, b), where in sorted(edges.items()):
                if a in group and b in group:
                    print(f"    {a} -> {b}    ({where})")
    if failed:
        return 1
    print(f"no import cycle between top-level modules in {len(crates)} crates, no feature imports another")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
