#!/usr/bin/env python3
"""Opens the write-up pack's Word document with python-docx (the reader many research scripts use
for .docx) and checks what a researcher would see: the title, the themes as Word headings (a
subtheme one level down), the chosen extract as a Quote with its participant's label, no
identifier the researchers redacted, and the method log as a table with a repeating header row.

Usage: check.py DOCX...
"""

import sys

import docx
from docx.oxml.ns import qn


def check(path):
    problems = []
    document = docx.Document(path)
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]

    def has(style, words):
        if not any(s == style and words in text for s, text in paragraphs):
            problems.append(f"no {style} paragraph with {words!r}")

    has("Title", "Themes:")
    has("Heading 1", "Themes")
    has("Heading 2", "Everyday life")
    has("Heading 3", "Cooking")
    has("Heading 1", "Method log")
    has("Quote", "— P1: ")
    if any("07700" in text for _, text in paragraphs):
        problems.append("a redacted phone number is in the document")
    if any("Dropped idea" == text for _, text in paragraphs):
        problems.append("a discarded theme has a heading")
    if not document.tables:
        problems.append("no method log table")
    else:
        log = document.tables[0]
        header = [cell.text for cell in log.rows[0].cells]
        if header != ["When", "Who", "What", "Detail"]:
            problems.append(f"the log's header is {header}")
        if log.rows[0]._tr.trPr is None or log.rows[0]._tr.trPr.find(qn("w:tblHeader")) is None:
            problems.append("the log's header row does not repeat")
        actions = {row.cells[2].text for row in log.rows[1:]}
        for action in ("theme defined", "extract chosen"):
            if action not in actions:
                problems.append(f"the log lacks {action!r}")
    if not document.core_properties.title.startswith("Themes:"):
        problems.append(f"the title property is {document.core_properties.title!r}")
    return len(paragraphs), problems


def main():
    status = 0
    for path in sys.argv[1:]:
        count, problems = check(path)
        for problem in problems:
            print(f"  FAIL {problem}")
        print(f"{'PASS' if not problems else 'FAIL'}: {path}: {count} paragraphs read by python-docx")
        status |= bool(problems)
    if len(sys.argv) < 2:
        print("no documents to check")
        status = 1
    sys.exit(status)


if __name__ == "__main__":
    main()
