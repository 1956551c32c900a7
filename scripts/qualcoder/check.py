#!/usr/bin/env python3
"""Check a REFI-QDA project (.qdpx) by importing it with QualCoder's own importer, headless.

    QT_QPA_PLATFORM=offscreen .tools/qualcoder-venv/bin/python scripts/qualcoder/check.py \
        --qualcoder-src /tmp/qualcoder-src --qdpx FILE.qdpx [--json] [--keep] [--tolerate-crlf]
        [--export-qdpx OUT [--remove-coding CODE] [--move-coding CODE WORDS]
         [--add-coding CODE WORDS CODER]]

What it does
1. Reads the .qdpx itself (project.qde + sources/*.txt) to know what should arrive.
2. Creates a fresh, temporary QualCoder project by running QualCoder's own
   MainWindow.new_project (read from <src>/src/qualcoder/__main__.py and executed against a
   headless stand-in for the main window), then runs qualcoder.refi.RefiImport(app, log, "qdpx")
   on a copy of the file. File dialogs are answered by the script; every QMessageBox, dialog,
   log record, Qt message, print() and action-log line QualCoder produces is recorded.
3. Reads the project's data.qda (SQLite) and prints figures, then checks every code_text row:
   - seltext == source.fulltext[pos0:pos1] (the text as QualCoder stored it),
   - seltext == the same code-point slice of sources/<guid>.txt inside the .qdpx,
   - (pos0, pos1) are the startPosition/endPosition of a PlainTextSelection of that source
     holding a Coding of that code in project.qde,
   and that every Coding of a PlainTextSelection in project.qde became a code_text row.
4. With --export-qdpx OUT, the way back: optionally edits the codings as a coder in QualCoder
   would (--remove-coding, --move-coding, --add-coding write the rows QualCoder's coding window
   writes), then runs qualcoder.refi.RefiExport(app, log, "project") and moves the .qdpx it
   writes (QualCoder's own GUIDs and file names, a byte-order mark on every text) to OUT.
Exit status: 0 when the import (and export) raised nothing and every check passed, 1 otherwise,
2 for a usage error (missing file, unreadable .qdpx, QualCoder source not found).

Nothing of QualCoder is copied here; its modules are imported from --qualcoder-src.
Two QualCoder modules are replaced by stubs because they are imported but never used on
the import path: qualcoder.ai_llm (imported by qualcoder.app; pulls langchain/openai) and,
only when PyQt6.QtMultimedia cannot load (libpulse0 missing), qualcoder.media_player_qt.
MainWindow.new_project's `self.app.ai = AiLLM(...)` gets an inert object (AI stays disabled:
settings['ai_enable'] == 'False', so the importer never touches app.ai).
"""

import argparse
import ast
import builtins
import contextlib
import gettext
import importlib
import io
import json
import logging
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import traceback
import types
import zipfile
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

PROBLEM_RE = re.compile(r"cannot|error|duplicat|not imported|trying to read|not successfully|exception|"
                        r"failed|traceback|warning", re.I)
STANDARD_NOTICE_PREFIX = "REFI-QDA PROJECT IMPORT EXPERIMENTAL FUNCTION"


class UsageError(Exception):
    pass


# --------------------------------------------------------------------------------------------
# 1. What the .qdpx contains (read independently of QualCoder)
# --------------------------------------------------------------------------------------------

def _bool_attr(value, default=True):
    if value is None:
        return default
    return value.strip().lower() in ("true", "1")


def parse_qdpx(path):
    """Return a dict describing project.qde and the plain-text files of the .qdpx."""
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as err:
        raise UsageError(f"cannot open {path} as a zip file: {err}")
    with zf:
        members = zf.namelist()
        qdes = [m for m in members if m.lower().endswith(".qde") and "/" not in m.strip("/")]
        if not qdes:
            qdes = [m for m in members if m.lower().endswith(".qde")]
        if not qdes:
            raise UsageError(f"{path}: no .qde file in the archive")
        qde_name = "project.qde" if "project.qde" in qdes else qdes[0]
        try:
            root = ET.fromstring(zf.read(qde_name))
        except ET.ParseError as err:
            raise UsageError(f"{path}:{qde_name}: XML parse error: {err}")
        ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""

        def t(tag):
            return f"{{{ns}}}{tag}" if ns else tag

        lower_members = {m.lower(): m for m in members}

        def read_internal(ref):
            """Text of an internal:// file: (text, problems)."""
            if not ref or not ref.startswith("internal://"):
                return None, [f"not an internal path: {ref!r}"]
            fname = ref[len("internal://"):].lstrip("/")
            member = None
            for cand in (f"sources/{fname}", f"Sources/{fname}", fname):
                if cand in members:
                    member = cand
                    break
            if member is None:
                for cand in (f"sources/{fname}".lower(), fname.lower()):
                    if cand in lower_members:
                        member = lower_members[cand]
                        break
            if member is None:
                return None, [f"{ref}: file not in the .qdpx"]
            data = zf.read(member)
            problems = []
            if data.startswith(b"\xef\xbb\xbf"):
                problems.append(f"{member}: starts with a UTF-8 BOM (counted as a character by QualCoder)")
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as err:
                problems.append(f"{member}: not valid UTF-8 ({err}); invalid bytes read as U+FFFD")
                text = data.decode("utf-8", errors="replace")
            return text, problems

        users = {}
        for u in root.iter(t("User")):
            users[u.get("guid")] = u.get("name")

        codes = {}  # guid -> dict

        def walk(code_el, parent_guid, depth):
            guid = code_el.get("guid")
            desc = code_el.find(t("Description"))
            codes[guid] = {"guid": guid, "name": code_el.get("name"),
                           "codable": _bool_attr(code_el.get("isCodable")), "color": code_el.get("color"),
                           "parent": parent_guid, "depth": depth,
                           "description": (desc.text or "") if desc is not None else ""}
            for child in code_el.findall(t("Code")):
                walk(child, guid, depth + 1)

        codebook = root.find(t("CodeBook"))
        if codebook is not None:
            codes_el = codebook.find(t("Codes"))
            for c in (codes_el if codes_el is not None else []):
                if c.tag == t("Code"):
                    walk(c, None, 0)

        def selections_of(src_el):
            sels = []
            for s in src_el.findall(t("PlainTextSelection")):
                user = s.get("creatingUser") or s.get("modifyingUser")
                codings = []
                for c in s.findall(t("Coding")):
                    ref = c.find(t("CodeRef"))
                    codings.append({"guid": c.get("guid"),
                                    "code": ref.get("targetGUID") if ref is not None else None,
                                    "user": c.get("creatingUser")})
                desc = s.find(t("Description"))
                sels.append({"guid": s.get("guid"), "start": int(s.get("startPosition")),
                             "end": int(s.get("endPosition")), "user": user, "codings": codings,
                             "description": (desc.text or "") if desc is not None else ""})
            return sels

        def text_source(el, kind, db_name, container_name=None):
            text, problems = (None, [])
            content = el.find(t("PlainTextContent"))
            if el.get("plainTextPath"):
                text, problems = read_internal(el.get("plainTextPath"))
            elif content is not None:
                text = content.text or ""
                problems = ["text given as PlainTextContent (no plainTextPath)"]
            desc = el.find(t("Description"))
            return {"kind": kind, "guid": el.get("guid"), "name": container_name or el.get("name"),
                    "db_name": db_name, "plain_text_path": el.get("plainTextPath"),
                    "has_plain_text_content": content is not None, "text": text,
                    "text_problems": problems, "selections": selections_of(el),
                    "source_level_codings": len(el.findall(t("Coding"))),
                    "noterefs": [n.get("targetGUID") for n in el.findall(t("NoteRef"))],
                    "description": (desc.text or "") if desc is not None else ""}

        sources = []          # text-bearing sources, in document order
        other_sources = Counter()
        transcripts = []      # names QualCoder gives transcript text sources
        sources_el = root.find(t("Sources"))
        for el in (sources_el if sources_el is not None else []):
            tag = el.tag.split("}")[-1]
            if tag == "TextSource":
                sources.append(text_source(el, "TextSource", el.get("name")))
            elif tag == "PDFSource":
                other_sources["PDFSource"] += 1
                rep = el.find(t("Representation"))
                if rep is not None:
                    name = el.get("name") or ""
                    db_name = name if name.lower().endswith(".pdf") else name + ".pdf"
                    sources.append(text_source(rep, "PDFSource/Representation", db_name, name))
            else:
                other_sources[tag] += 1
                if tag in ("AudioSource", "VideoSource"):
                    for tr in el.findall(t("Transcript")):
                        transcripts.append(f"{el.get('name') or tr.get('name')}.txt")

        cases = []
        cases_el = root.find(t("Cases"))
        for c in (cases_el if cases_el is not None else []):
            cases.append({"guid": c.get("guid"), "name": c.get("name"),
                          "source_refs": [s.get("targetGUID") for s in c.findall(t("SourceRef"))],
                          "selection_refs": len(c.findall(t("SelectionRef"))),
                          "variable_values": len(c.findall(t("VariableValue")))})

        notes = []
        notes_el = root.find(t("Notes"))
        for n in (notes_el if notes_el is not None else []):
            text, problems = (None, [])
            content = n.find(t("PlainTextContent"))
            if n.get("plainTextPath"):
                text, problems = read_internal(n.get("plainTextPath"))
            elif content is not None:
                text = content.text or ""
            notes.append({"guid": n.get("guid"), "name": n.get("name"), "text": text,
                          "plain_text_path": n.get("plainTextPath"),
                          "has_plain_text_content": content is not None,
                          "has_selection": n.find(t("PlainTextSelection")) is not None,
                          "problems": problems})

        # Who refers to each note
        note_refs = defaultdict(list)
        for n in root.findall(t("NoteRef")):
            note_refs[n.get("targetGUID")].append("Project")
        for parent in root.iter():
            if parent is root:
                continue
            for n in parent.findall(t("NoteRef")):
                note_refs[n.get("targetGUID")].append(parent.tag.split("}")[-1])

        desc = root.find(t("Description"))
        variables_el = root.find(t("Variables"))
        return {"qde_name": qde_name, "namespace": ns, "origin": root.get("origin"),
                "users": users, "codes": codes, "sources": sources, "other_sources": dict(other_sources),
                "transcripts": transcripts, "cases": cases, "notes": notes,
                "note_refs": {k: v for k, v in note_refs.items()},
                "variables": len(variables_el) if variables_el is not None else 0,
                "project_description": (desc.text or "") if desc is not None else "",
                "sets": len(root.find(t("Sets"))) if root.find(t("Sets")) is not None else 0,
                "links": len(root.find(t("Links"))) if root.find(t("Links")) is not None else 0,
                "graphs": len(root.find(t("Graphs"))) if root.find(t("Graphs")) is not None else 0}


# --------------------------------------------------------------------------------------------
# 2. Running QualCoder's importer headless
# --------------------------------------------------------------------------------------------

class Capture:
    """Everything QualCoder shows or logs during the import."""

    def __init__(self):
        self.events = []

    def add(self, kind, level, text, **extra):
        ev = {"kind": kind, "level": level, "text": str(text)}
        ev.update(extra)
        self.events.append(ev)


class _TeeLines(io.TextIOBase):
    """A stdout/stderr replacement that records complete lines."""

    def __init__(self, capture, kind):
        self.capture, self.kind, self.buf = capture, kind, ""

    def writable(self):
        return True

    def write(self, s):
        self.buf += s
        while "\n" in self.buf:
            line, self.buf = self.buf.split("\n", 1)
            if line.strip():
                level = "warning" if PROBLEM_RE.search(line) else "info"
                self.capture.add(self.kind, level, line)
        return len(s)

    def flush(self):
        if self.buf.strip():
            self.capture.add(self.kind, "warning" if PROBLEM_RE.search(self.buf) else "info", self.buf)
        self.buf = ""


class _LogHandler(logging.Handler):
    def __init__(self, capture):
        super().__init__(level=logging.DEBUG)
        self.capture = capture

    def emit(self, record):
        try:
            msg = record.getMessage()
        except Exception:  # noqa: BLE001 - never fail inside logging
            msg = str(record.msg)
        if record.exc_info:
            msg += "\n" + "".join(traceback.format_exception(*record.exc_info))
        level = record.levelname.lower()
        self.capture.add("log", "warning" if record.levelno >= logging.WARNING else "info",
                         f"{record.name}: {msg}", log_level=level)


class ActionLog:
    """Stands in for MainWindow.ui.textEdit, the action log QualCoder writes progress and
    many import problems to (parent_textedit.append)."""

    def __init__(self, capture):
        self.capture = capture
        self.lines = []

    def append(self, text):
        text = str(text)
        self.lines.append(text)
        self.capture.add("action_log", "warning" if PROBLEM_RE.search(text) else "info", text)

    def __getattr__(self, name):
        return _Null()


class _Null:
    """Inert object: any attribute or call returns itself."""

    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __bool__(self):
        return False

    def __iter__(self):
        return iter(())


class HeadlessMainWindow:
    """Just enough of qualcoder.__main__.MainWindow for MainWindow.new_project to run."""

    def __init__(self, app, action_log, capture):
        self.app = app
        self.capture = capture
        self.project = {}
        self.journal_display = None
        self.ui = types.SimpleNamespace(textEdit=action_log, tabWidget=_Null(), tab_action_log=None,
                                        tab_reports=None, tab_coding=None, tab_manage=None)

    def close_project(self):
        pass

    def open_project(self, path_="", newproject="no"):
        # The GUI's open_project only upgrades old databases, makes backups and fills widgets.
        self.capture.add("driver", "info", f"MainWindow.open_project({path_!r}, {newproject!r}) not run (GUI only)")

    def __getattr__(self, name):  # setWindowTitle, clear_tab_widgets, ...
        return _Null()


def _install_qt_patches(QtWidgets, QtCore, capture, answers):
    """Make every dialog non-blocking and recorded."""
    QMB = QtWidgets.QMessageBox
    icon_names = {QMB.Icon.Warning: "warning", QMB.Icon.Critical: "critical",
                  QMB.Icon.Information: "information", QMB.Icon.Question: "question",
                  QMB.Icon.NoIcon: "none"}

    def mb_exec(self, *args, **kwargs):
        icon = icon_names.get(self.icon(), str(self.icon()))
        text = self.text()
        informative = self.informativeText()
        if informative:
            text += "\n" + informative
        standard = text.startswith(STANDARD_NOTICE_PREFIX)
        level = "warning" if icon in ("warning", "critical") and not standard else "info"
        capture.add("message_box", level, text, title=self.windowTitle(), icon=icon, standard_notice=standard)
        return QMB.StandardButton.Ok.value

    def mb_static(kind, ret):
        def f(parent, title, text, *args, **kwargs):
            level = "warning" if kind in ("warning", "critical") else "info"
            capture.add("message_box", level, text, title=title, icon=kind, standard_notice=False)
            return ret
        return staticmethod(f)

    QMB.exec = mb_exec
    QMB.exec_ = mb_exec
    QMB.warning = mb_static("warning", QMB.StandardButton.Ok)
    QMB.critical = mb_static("critical", QMB.StandardButton.Ok)
    QMB.information = mb_static("information", QMB.StandardButton.Ok)
    QMB.question = mb_static("question", QMB.StandardButton.No)
    QMB.about = mb_static("information", None)

    def dialog_exec(self, *args, **kwargs):
        capture.add("dialog", "warning", f"dialog {type(self).__name__} {self.windowTitle()!r} opened; "
                                         f"answered Rejected", title=self.windowTitle())
        return QtWidgets.QDialog.DialogCode.Rejected.value

    QtWidgets.QDialog.exec = dialog_exec

    def file_dialog(kind):
        def f(*args, **kwargs):
            caption = args[1] if len(args) > 1 else kwargs.get("caption", "")
            answer = answers.get(kind)
            capture.add("driver", "info", f"QFileDialog.{kind}({caption!r}) answered {answer!r}")
            if answer is None:
                capture.add("dialog", "warning", f"unexpected QFileDialog.{kind}({caption!r}); answered ''")
                return ("", "") if kind != "getExistingDirectory" else ""
            if kind == "getExistingDirectory":
                return answer
            # The second value is the selected filter; QualCoder treats an empty one as "cancelled".
            filt = args[3] if len(args) > 3 else kwargs.get("filter", "") or "*"
            return (answer, filt or "*")
        return staticmethod(f)

    for kind in ("getOpenFileName", "getSaveFileName", "getOpenFileNames", "getExistingDirectory"):
        setattr(QtWidgets.QFileDialog, kind, file_dialog(kind))

    def input_dialog(*args, **kwargs):
        capture.add("dialog", "warning", f"unexpected QInputDialog {args[1:3]!r}; answered cancel")
        return ("", False)

    for kind in ("getText", "getItem", "getMultiLineText"):
        setattr(QtWidgets.QInputDialog, kind, staticmethod(input_dialog))

    qt_levels = {QtCore.QtMsgType.QtDebugMsg: "info", QtCore.QtMsgType.QtInfoMsg: "info",
                 QtCore.QtMsgType.QtWarningMsg: "warning", QtCore.QtMsgType.QtCriticalMsg: "warning",
                 QtCore.QtMsgType.QtFatalMsg: "warning"}

    def qt_handler(mode, context, message):
        capture.add("qt", qt_levels.get(mode, "warning"), message)

    QtCore.qInstallMessageHandler(qt_handler)


def _stub_module(name, doc, **attrs):
    mod = types.ModuleType(name, doc)
    mod.__qualcoder_check_stub__ = True
    for k, v in attrs.items():
        setattr(mod, k, v)
    sys.modules[name] = mod
    return mod


def _unavailable(what):
    def f(*args, **kwargs):
        raise RuntimeError(f"{what} is stubbed by qualcoder_check.py (not on the import path)")
    return f


def _load_method_from_source(py_file, class_name, method_name, overrides, capture):
    """Compile one method of a QualCoder class from its own source file (line numbers kept,
    so tracebacks point into QualCoder) and bind the globals it reads the way the module would."""
    source = Path(py_file).read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(py_file))
    func = None
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for sub in node.body:
                if isinstance(sub, ast.FunctionDef) and sub.name == method_name:
                    func = sub
    if func is None:
        raise RuntimeError(f"{class_name}.{method_name} not found in {py_file}")

    # Names the method reads that it does not bind itself
    bound = set()
    loads = set()
    for n in ast.walk(func):
        if isinstance(n, ast.Name):
            (bound if isinstance(n.ctx, (ast.Store, ast.Del)) else loads).add(n.id)
        elif isinstance(n, ast.arg):
            bound.add(n.arg)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            bound.add(n.name)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n is not func:
            bound.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name.split(".")[0]) for a in n.names)
    free = sorted(x for x in loads - bound if not hasattr(builtins, x))

    # How the module binds them at top level
    bindings = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            for a in node.names:
                bindings[a.asname or a.name] = ("from", node.module, a.name)
        elif isinstance(node, ast.Import):
            for a in node.names:
                bindings[a.asname or a.name.split(".")[0]] = ("import", a.name if a.asname else a.name.split(".")[0])
    namespace = {"__name__": f"qualcoder.__main__ ({method_name}, headless)", "__builtins__": builtins}
    for name in free:
        if name in overrides:
            namespace[name] = overrides[name]
        elif name == "logger":
            namespace[name] = logging.getLogger("qualcoder.__main__")
        elif name in bindings:
            b = bindings[name]
            if b[0] == "from":
                namespace[name] = getattr(importlib.import_module(b[1]), b[2])
            else:
                namespace[name] = importlib.import_module(b[1])
        else:
            raise RuntimeError(f"{class_name}.{method_name} reads global {name!r}, which the headless "
                               f"driver cannot provide")
    mod = ast.Module(body=[func], type_ignores=[])
    exec(compile(mod, str(py_file), "exec"), namespace)
    capture.add("driver", "info", f"using {class_name}.{method_name} from {py_file} "
                                  f"(globals: {', '.join(free)})")
    return namespace[method_name]


def run_qualcoder_import(src_root, qdpx, workdir, capture, keep_open=False):
    """Create a new QualCoder project with QualCoder's code and import qdpx into it.
    Returns (project_path, exception_text or None, notes, window): window is the headless main
    window with the project still open when keep_open, else None (the project is closed)."""
    notes = []
    # Accept the top of the source tree, its src/ folder, or the qualcoder package folder itself.
    for pkg_dir in (src_root / "src", src_root, src_root.parent):
        if (pkg_dir / "qualcoder" / "refi.py").is_file() and (pkg_dir / "qualcoder" / "__main__.py").is_file():
            break
    else:
        raise UsageError(f"{src_root}: no src/qualcoder/refi.py (give the top of QualCoder's source tree)")

    # Keep QualCoder's ~/.qualcoder (config, log, recent projects) out of the real home.
    home = workdir / "home"
    (home / "Documents").mkdir(parents=True, exist_ok=True)
    os.environ["HOME"] = str(home)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("XDG_RUNTIME_DIR", str(workdir / "xdg-runtime"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, parents=True, exist_ok=True)
    sys.path.insert(0, str(pkg_dir))
    gettext.NullTranslations().install()  # what QualCoder's __main__ installs for English

    root_logger = logging.getLogger()
    root_logger.setLevel(logging.DEBUG)
    root_logger.addHandler(_LogHandler(capture))
    logging.captureWarnings(True)

    try:
        from PyQt6 import QtCore, QtWidgets
    except ImportError as err:
        raise UsageError(f"PyQt6 cannot be imported ({err}); run this script with the venv's python")
    qapp = QtWidgets.QApplication.instance() or QtWidgets.QApplication(["qualcoder_check"])

    project_base = workdir / "project"
    qdpx_copy = workdir / qdpx.name  # RefiImport unzips next to the file it is given
    shutil.copyfile(qdpx, qdpx_copy)
    answers = {"getSaveFileName": str(project_base), "getOpenFileName": str(qdpx_copy)}
    _install_qt_patches(QtWidgets, QtCore, capture, answers)

    # Stubs for modules that are imported but not used on the import path
    _stub_module("qualcoder.ai_llm", "stub: QualCoder AI (langchain) - not used by the REFI import",
                 get_default_ai_models=_unavailable("qualcoder.ai_llm.get_default_ai_models"),
                 update_ai_models=_unavailable("qualcoder.ai_llm.update_ai_models"),
                 AiLLM=_unavailable("qualcoder.ai_llm.AiLLM"))
    notes.append("stubbed qualcoder.ai_llm (imported by qualcoder.app, unused by the import)")
    try:
        import PyQt6.QtMultimedia  # noqa: F401
    except ImportError as err:
        _stub_module("qualcoder.media_player_qt",
                     "stub: Qt Multimedia player - not used by the REFI import",
                     MediaInstance=_unavailable("qualcoder.media_player_qt.MediaInstance"),
                     make_vlc_instance=_unavailable("qualcoder.media_player_qt.make_vlc_instance"))
        notes.append(f"stubbed qualcoder.media_player_qt (PyQt6.QtMultimedia did not load: {err}; "
                     f"`apt-get install libpulse0` avoids this)")

    exc_text = None
    window = None
    out = _TeeLines(capture, "stdout")
    err = _TeeLines(capture, "stderr")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        phase = "loading QualCoder modules"
        try:
            import qualcoder.app as qc_app
            import qualcoder.refi as qc_refi

            class HeadlessApp(qc_app.App):
                """qualcoder.app.App without reading or writing ~/.qualcoder/config.ini."""

                def load_settings(self):
                    return dict(self.default_settings), []  # QualCoder's own defaults

                def write_config_ini(self, settings, ai_models):
                    capture.add("driver", "info",
                                f"App.write_config_ini suppressed (codername={settings.get('codername')!r})")

                def append_recent_project(self, new_path):
                    pass

            class InertAI:
                """Replaces AiLLM(app, textEdit) in new_project; the import never uses app.ai while
                settings['ai_enable'] == 'False'."""

                def __init__(self, *args, **kwargs):
                    pass

                def __getattr__(self, name):
                    raise RuntimeError(f"app.ai.{name} used, but AI is not available in qualcoder_check.py")

            phase = "creating the QualCoder project (MainWindow.new_project)"
            action_log = ActionLog(capture)
            window = HeadlessMainWindow(HeadlessApp(), action_log, capture)
            new_project = _load_method_from_source(pkg_dir / "qualcoder" / "__main__.py", "MainWindow",
                                                   "new_project", {"App": HeadlessApp, "AiLLM": InertAI}, capture)
            new_project(window)
            if window.app.project_name == "" or window.app.conn is None:
                raise RuntimeError("MainWindow.new_project did not create a project")
            if window.app.settings.get("ai_enable") != "False":
                raise RuntimeError("AI is enabled in the settings; the headless import needs it off")
            capture.add("driver", "info", f"project created: {window.app.project_path}")
            phase = "importing (RefiImport)"
            importer = qc_refi.RefiImport(window.app, action_log, "qdpx")
            if not getattr(importer, "folder_name", ""):
                raise RuntimeError("RefiImport returned without importing (file dialog answer refused?)")
        except Exception:  # noqa: BLE001 - anything QualCoder raises is a finding
            exc_text = f"while {phase}:\n" + traceback.format_exc()
            capture.add("exception", "error", exc_text)
        finally:
            out.flush()
            err.flush()
    if window is None:
        return None, exc_text, notes, None
    coder = window.app.settings.get("codername")
    notes.append(f"current coder in QualCoder's settings after the import: {coder!r}")
    qapp.processEvents()
    project_path = window.app.project_path
    window.answers = answers
    window.qapp = qapp  # Qt aborts on the next widget once the last reference to the application goes
    if keep_open and exc_text is None:
        window.app.conn.commit()
        return project_path, exc_text, notes, window
    try:
        if window.app.conn is not None:
            window.app.conn.commit()
            window.app.conn.close()
    except sqlite3.Error:
        pass
    return project_path, exc_text, notes, None


# --------------------------------------------------------------------------------------------
# 3. Verifying what QualCoder stored
# --------------------------------------------------------------------------------------------

def _rows(conn, sql, args=()):
    try:
        cur = conn.execute(sql, args)
    except sqlite3.Error as err:
        return None, str(err)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()], None


def _short(s, n=70):
    if s is None:
        return "None"
    r = repr(s)
    return r if len(r) <= n else r[: n - 4] + "...'"


def _line_ending_only(a, b):
    """True when a (from the .txt) and b (stored) have equal length and differ only where the
    .txt has CR/LF and QualCoder has LF/space - QualCoder's CRLF substitution."""
    if a is None or b is None or len(a) != len(b):
        return False
    diffs = [(x, y) for x, y in zip(a, b) if x != y]
    return bool(diffs) and all(x in "\r\n" and y in "\n " for x, y in diffs)


def verify(project_path, model, tolerate_crlf):
    db = Path(project_path) / "data.qda"
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    result = {"figures": {}, "expected": {}, "mismatches": [], "tolerated": [], "notices": [],
              "sources": [], "codes": [], "notes": [], "checked_rows": 0}
    mism, tol, notice = result["mismatches"], result["tolerated"], result["notices"]

    sources, _ = _rows(conn, "select id, name, fulltext, mediapath, memo, owner from source order by id")
    codes, _ = _rows(conn, "select cid, name, catid, supercid, memo, owner, color from code_name order by cid")
    cats, _ = _rows(conn, "select catid, name, supercatid, memo from code_cat order by catid")
    ct, _ = _rows(conn, "select ctid, cid, fid, seltext, pos0, pos1, owner, memo from code_text order by ctid")
    cases, _ = _rows(conn, "select caseid, name, memo from cases")
    case_text, _ = _rows(conn, "select caseid, fid, pos0, pos1 from case_text")
    journals, _ = _rows(conn, "select jid, name, jentry, owner from journal")
    annotations, _ = _rows(conn, "select anid, fid, pos0, pos1, memo, owner from annotation")
    attributes, _ = _rows(conn, "select name, attr_type, value, id from attribute")
    attr_types, _ = _rows(conn, "select name, caseOrFile from attribute_type")
    project, _ = _rows(conn, "select memo, codername, databaseversion from project")
    conn.close()

    # ---- figures
    text_sources = [s for s in sources if s["fulltext"] is not None]
    owners = Counter(r["owner"] for r in ct)
    f = result["figures"]
    f["sources"] = len(sources)
    f["text_sources"] = len(text_sources)
    f["cases"] = len(cases)
    f["case_source_links"] = len(case_text)
    f["codes"] = len(codes)
    f["categories"] = len(cats)
    f["codings"] = len(ct)
    f["codings_per_owner"] = dict(sorted(owners.items(), key=lambda kv: str(kv[0])))
    f["journals"] = len(journals)
    f["annotations"] = len(annotations)
    f["memos"] = {
        "project": 1 if project and (project[0]["memo"] or "") else 0,
        "source": sum(1 for s in sources if s["memo"]),
        "code": sum(1 for c in codes if c["memo"]),
        "category": sum(1 for c in cats if c["memo"]),
        "case": sum(1 for c in cases if c["memo"]),
        "coding": sum(1 for r in ct if r["memo"]),
    }
    f["attributes"] = len(attributes)
    f["attribute_types"] = len(attr_types)
    f["project_codername"] = project[0]["codername"] if project else None
    f["database_version"] = project[0]["databaseversion"] if project else None

    m = model
    qcodes = m["codes"].values()
    e = result["expected"]
    e["text_sources"] = sum(1 for s in m["sources"] if s["kind"] == "TextSource")
    e["pdf_representations"] = sum(1 for s in m["sources"] if s["kind"] != "TextSource")
    e["other_sources"] = m["other_sources"]
    e["codes_codable"] = sum(1 for c in qcodes if c["codable"])
    e["codes_not_codable"] = sum(1 for c in qcodes if not c["codable"])
    e["codings"] = sum(len(sel["codings"]) for s in m["sources"] for sel in s["selections"])
    e["selections_without_coding"] = sum(1 for s in m["sources"] for sel in s["selections"] if not sel["codings"])
    e["source_level_codings"] = sum(s["source_level_codings"] for s in m["sources"])
    e["named_cases"] = sum(1 for c in m["cases"] if c["name"] is not None)
    e["case_source_refs"] = sum(len(c["source_refs"]) for c in m["cases"] if c["name"] is not None)
    e["users"] = len(m["users"])
    e["notes"] = len(m["notes"])
    e["variables"] = m["variables"]

    # ---- code mapping (QualCoder keys codes and categories by unique name)
    # Document (pre-order) order; the first codable Code of a name is the one QualCoder maps CodeRefs to.
    guids_by_code_name = defaultdict(list)
    for c in qcodes:
        guids_by_code_name[c["name"]].append(c["guid"])
    primary_guids = set()
    for name, gl in guids_by_code_name.items():
        codable = [g for g in gl if m["codes"][g]["codable"]]
        if codable and not any(not m["codes"][g]["codable"] and gl.index(g) < gl.index(codable[0]) for g in gl):
            primary_guids.add(codable[0])
    cid_guids = {c["cid"]: [g for g in guids_by_code_name.get(c["name"], []) if m["codes"][g]["codable"]]
                 for c in codes}
    for gl in cid_guids.values():
        gl.sort(key=lambda g: g not in primary_guids)

    def why_unregistered(guid):
        code = m["codes"].get(guid)
        if code is None:
            return f"{guid}, which is not a Code in the CodeBook"
        if not code["codable"]:
            return f"{code['name']!r}, which is isCodable=false (a category in QualCoder)"
        return (f"{code['name']!r} ({guid}), a second Code with an existing name; QualCoder only maps CodeRefs "
                f"to the first Code of a name")
    cat_by_id = {c["catid"]: c for c in cats}
    code_by_id = {c["cid"]: c for c in codes}
    for c in qcodes:
        db_code = next((x for x in codes if x["name"] == c["name"]), None)
        db_cat = next((x for x in cats if x["name"] == c["name"]), None)
        if c["codable"] and c["guid"] not in primary_guids and db_code is not None:
            where = (f"NOT a code of its own: the name is taken by an earlier Code; QualCoder stores codings "
                     f"that refer to this GUID with cid NULL")
        elif db_code is not None:
            where = "code"
            if c["color"] and (db_code["color"] or "").lower() != c["color"].lower():
                where += f" (color {c['color']} stored as {db_code['color']})"
            if db_code["catid"] is not None:
                where += f" in category {cat_by_id.get(db_code['catid'], {}).get('name')!r}"
            if db_code["supercid"] is not None:
                where += f" under code {code_by_id.get(db_code['supercid'], {}).get('name')!r}"
        elif db_cat is not None:
            where = "category"
            if db_cat["supercatid"] is not None:
                where += f" in category {cat_by_id.get(db_cat['supercatid'], {}).get('name')!r}"
        else:
            where = "NOT IMPORTED"
        parent = m["codes"].get(c["parent"], {}).get("name") if c["parent"] else None
        result["codes"].append({"name": c["name"], "isCodable": c["codable"], "qde_parent": parent,
                                "qualcoder": where})
        if where == "NOT IMPORTED":
            mism.append({"check": "code", "detail": f"Code {c['name']!r} ({c['guid']}) is neither a code nor a "
                                                    f"category in QualCoder"})
    dup_names = [n for n, g in guids_by_code_name.items() if len(g) > 1]
    for n in dup_names:
        notice.append(f"{len(guids_by_code_name[n])} Codes named {n!r} in project.qde share one QualCoder "
                      f"code/category (names are unique in QualCoder)")

    # ---- source mapping (QualCoder keeps the name, not the GUID)
    by_name = defaultdict(list)
    for s in m["sources"]:
        by_name[s["db_name"]].append(s)
    used = set()
    src_of_fid = {}
    for s in sources:
        cands = [x for x in by_name.get(s["name"], []) if id(x) not in used]
        if not cands:
            mt = re.match(r"^\d+_(.*)$", s["name"] or "")  # QualCoder's prefix for duplicate names
            if mt:
                cands = [x for x in by_name.get(mt.group(1), []) if id(x) not in used]
        if cands:
            used.add(id(cands[0]))
            src_of_fid[s["id"]] = cands[0]
    transcripts = set(m["transcripts"])
    for s in m["sources"]:
        if id(s) not in used:
            mism.append({"check": "source", "detail": f"{s['kind']} {s['name']!r} ({s['guid']}) is not in "
                                                      f"QualCoder's source table"})

    for s in text_sources:
        q = src_of_fid.get(s["id"])
        entry = {"id": s["id"], "name": s["name"], "owner": s["owner"], "memo": s["memo"] or "",
                 "qde_guid": q["guid"] if q else None, "fulltext_chars": len(s["fulltext"])}
        if q is None:
            entry["fulltext_vs_txt"] = "no matching source in project.qde"
        elif q["text"] is None:
            entry["fulltext_vs_txt"] = "; ".join(q["text_problems"]) or "no text in the .qdpx"
        elif q["text"] == s["fulltext"]:
            entry["fulltext_vs_txt"] = "identical"
        elif _line_ending_only(q["text"], s["fulltext"]):
            n = q["text"].count("\r\n")
            entry["fulltext_vs_txt"] = (f"same length; {n} CRLF stored as LF+space (QualCoder's substitution "
                                        f"that keeps CRLF-based positions)")
        else:
            i = next((k for k, (a, b) in enumerate(zip(q["text"], s["fulltext"])) if a != b),
                     min(len(q["text"]), len(s["fulltext"])))
            entry["fulltext_vs_txt"] = (f"DIFFERENT: .txt {len(q['text'])} chars, stored {len(s['fulltext'])}; "
                                        f"first difference at {i}: .txt {_short(q['text'][i:i + 12])} vs stored "
                                        f"{_short(s['fulltext'][i:i + 12])}")
        if q is not None:
            for p in q["text_problems"]:
                notice.append(f"source {q['name']!r}: {p}")
        result["sources"].append(entry)

    # ---- expected codings from project.qde
    expected = []
    case_guids = {c["guid"]: c for c in m["cases"]}
    for q in m["sources"]:
        for sel in q["selections"]:
            for cod in sel["codings"]:
                expected.append({"src": q, "sel": sel, "coding": cod, "used": False,
                                 "to_case": cod["code"] in case_guids and cod["code"] not in m["codes"]})
    exp_by_src = defaultdict(list)
    for x in expected:
        exp_by_src[id(x["src"])].append(x)
    users = m["users"]

    def uname(guid):
        return users.get(guid, "default") if guid else "default"

    sel_owner_match = coding_owner_match = 0
    for r in ct:
        result["checked_rows"] += 1
        label = f"code_text ctid={r['ctid']} fid={r['fid']} cid={r['cid']} [{r['pos0']},{r['pos1']}) owner={r['owner']!r}"
        src = next((s for s in sources if s["id"] == r["fid"]), None)
        if src is None or src["fulltext"] is None:
            mism.append({"check": "source", "row": label, "detail": "row's source is missing or has no text"})
            continue
        full = src["fulltext"]
        p0, p1 = r["pos0"], r["pos1"]
        if not (isinstance(p0, int) and isinstance(p1, int) and 0 <= p0 <= p1 <= len(full)):
            mism.append({"check": "range", "row": label,
                         "detail": f"positions outside the stored text (len {len(full)})"})
        elif full[p0:p1] != r["seltext"]:
            mism.append({"check": "seltext==fulltext[pos0:pos1]", "row": label,
                         "detail": f"seltext {_short(r['seltext'])} vs fulltext slice {_short(full[p0:p1])}"})
        q = src_of_fid.get(r["fid"])
        if q is None:
            if src["name"] in transcripts:
                notice.append(f"{label}: transcript of an audio/video source; .txt and position checks skipped")
            else:
                mism.append({"check": "source", "row": label, "detail": f"source {src['name']!r} not matched "
                                                                        f"to a source in project.qde"})
            continue
        if q["text"] is None:
            mism.append({"check": "seltext==txt slice", "row": label,
                         "detail": f"no .txt for {q['name']!r}: {'; '.join(q['text_problems'])}"})
        elif isinstance(p0, int) and isinstance(p1, int):
            raw = q["text"][p0:p1]
            if p1 > len(q["text"]):
                mism.append({"check": "seltext==txt slice", "row": label,
                             "detail": f"end {p1} beyond the .txt ({len(q['text'])} code points)"})
            elif raw != r["seltext"]:
                item = {"check": "seltext==txt slice", "row": label,
                        "detail": f".txt slice {_short(raw)} vs seltext {_short(r['seltext'])}"}
                if _line_ending_only(raw, r["seltext"]):
                    item["kind"] = "crlf-substitution"
                    item["detail"] += " (differs only by QualCoder's CRLF -> LF+space substitution)"
                    (tol if tolerate_crlf else mism).append(item)
                else:
                    mism.append(item)
        # position check against project.qde
        if r["cid"] is None:
            # QualCoder stores cid NULL when a Coding's CodeRef is not one of the codes it registered.
            cands = [x for x in exp_by_src[id(q)] if not x["used"] and x["coding"]["code"] not in primary_guids]
            exact = [x for x in cands if x["sel"]["start"] == p0 and x["sel"]["end"] == p1]
            if exact:
                best = next((x for x in exact if uname(x["sel"]["user"]) == r["owner"]), exact[0])
                best["used"] = True
                mism.append({"check": "code", "row": label,
                             "detail": f"cid is NULL (orphan coding): Coding {best['coding']['guid']} refers to "
                                       f"{why_unregistered(best['coding']['code'])}"})
            else:
                mism.append({"check": "code", "row": label,
                             "detail": "cid is NULL and no Coding at these positions in project.qde explains it"})
            continue
        guids = cid_guids.get(r["cid"], [])
        cands = [x for x in exp_by_src[id(q)] if not x["used"] and x["coding"]["code"] in guids]
        exact = [x for x in cands if x["sel"]["start"] == p0 and x["sel"]["end"] == p1]
        exact.sort(key=lambda x: (guids.index(x["coding"]["code"]), uname(x["sel"]["user"]) != r["owner"]))
        if exact:
            best = exact[0]
            best["used"] = True
            best["row"] = r
            if uname(best["sel"]["user"]) == r["owner"]:
                sel_owner_match += 1
            if uname(best["coding"]["user"]) == r["owner"]:
                coding_owner_match += 1
            else:
                notice.append(f"{label}: owner is {r['owner']!r} (PlainTextSelection creatingUser) but the "
                              f"Coding's creatingUser is {uname(best['coding']['user'])!r}")
        else:
            near = ", ".join(f"[{x['sel']['start']},{x['sel']['end']})" for x in cands[:5]) or "none"
            mism.append({"check": "positions==project.qde", "row": label,
                         "detail": f"no PlainTextSelection of {q['name']!r} with this code at these positions "
                                   f"(unmatched selections with this code: {near})"})
    f["owner_is_selection_creatingUser"] = sel_owner_match
    f["owner_is_coding_creatingUser"] = coding_owner_match

    for x in expected:
        if x["used"]:
            continue
        sel, cod, q = x["sel"], x["coding"], x["src"]
        if x["to_case"]:
            continue  # QualCoder turns codings whose code GUID is a Case GUID into case_text
        cname = m["codes"].get(cod["code"], {}).get("name", cod["code"])
        desc = (f"{q['name']!r} PlainTextSelection {sel['guid']} [{sel['start']},{sel['end']}) Coding {cod['guid']} "
                f"code {cname!r} user {uname(sel['user'])!r}")
        twin = next((y for y in expected if y is not x and y.get("row") is not None and y["src"] is q
                     and y["sel"]["start"] == sel["start"] and y["sel"]["end"] == sel["end"]
                     and y["row"]["cid"] is not None and cod["code"] in cid_guids.get(y["row"]["cid"], [])
                     and y["row"]["owner"] == uname(sel["user"])), None)
        if twin is not None:
            notice.append(f"{desc}: duplicate of Coding {twin['coding']['guid']} (same source, code, positions and "
                          f"owner); QualCoder keeps one row (unique constraint)")
            continue
        mism.append({"check": "coding imported", "detail": f"{desc}: no code_text row"
                     + (f" ({why_unregistered(cod['code'])})" if cod["code"] not in primary_guids else "")})
    if e["source_level_codings"]:
        notice.append(f"{e['source_level_codings']} Coding element(s) directly under a TextSource (whole-source "
                      f"codings) are not read by QualCoder")

    # ---- notes: where did each go?
    for n in m["notes"]:
        refs = m["note_refs"].get(n["guid"], [])
        text = (n["text"] or "").strip()
        j = next((x for x in journals if x["name"] == n["name"] or
                  (x["name"] or "").startswith(f"{n['name']}_")), None)
        a = next((x for x in annotations if text and (x["memo"] or "").strip() == text), None)
        if j is not None:
            where = f"journal {j['name']!r} (owner {j['owner']!r})"
            if (j["jentry"] or "").strip() != text:
                where += f"; text differs: {_short(j['jentry'])}"
        elif a is not None:
            src = next((s["name"] for s in sources if s["id"] == a["fid"]), a["fid"])
            where = f"annotation on {src!r} [{a['pos0']},{a['pos1']}) (owner {a['owner']!r})"
        else:
            where = "NOT IMPORTED"
        result["notes"].append({"name": n["name"], "guid": n["guid"], "referenced_from": refs,
                                "plainTextPath": bool(n["plain_text_path"]),
                                "PlainTextContent": n["has_plain_text_content"],
                                "PlainTextSelection": n["has_selection"], "qualcoder": where})
        if where == "NOT IMPORTED":
            notice.append(f"Note {n['name']!r} (referenced from {', '.join(refs) or 'nothing'}) was not imported "
                          f"as a journal, annotation or memo")

    if e["named_cases"] and e["case_source_refs"] and not case_text:
        notice.append(f"{e['case_source_refs']} Case SourceRef(s) in project.qde; QualCoder stored no case-source "
                      f"links (case_text is empty)")
    if m["project_description"] and not f["memos"]["project"]:
        notice.append("project Description not stored as project memo")
    return result


# --------------------------------------------------------------------------------------------
# 4. Report
# --------------------------------------------------------------------------------------------

def shown_events(capture):
    """Message boxes, dialogs, exceptions, printed output, and anything logged at warning level or above."""
    return [ev for ev in capture.events if ev["kind"] in ("message_box", "dialog", "exception", "stdout", "stderr")
            or (ev["level"] != "info" and ev["kind"] != "driver")]


def print_report(qdpx, model, project_path, exc_text, capture, notes, res, keep, tolerate_crlf):
    p = print
    p(f"QualCoder REFI-QDA import check: {qdpx}")
    p(f"  project.qde origin: {model['origin']!r}; namespace {model['namespace']}")
    p(f"  temporary QualCoder project: {project_path}{'' if keep else ' (removed)'}")
    for n in notes:
        p(f"  note: {n}")
    p("")
    p("Import: " + ("RAISED AN EXCEPTION" if exc_text else "completed without exception"))
    if exc_text:
        p("  " + exc_text.rstrip().replace("\n", "\n  "))
    shown = shown_events(capture)
    p(f"Messages from QualCoder (message boxes, dialogs, warnings/errors logged, printed output): {len(shown)}")
    for ev in shown:
        if ev["kind"] == "exception":
            continue
        extra = ""
        if ev["kind"] == "message_box":
            extra = f" [{ev.get('icon')}] {ev.get('title')!r}" + (" (shown after every import)"
                                                                   if ev.get("standard_notice") else "")
        text = ev["text"].replace("\n", "\n      ")
        p(f"  - {ev['kind']}{extra}: {text}")
    if res is None:
        return
    f, e = res["figures"], res["expected"]
    p("")
    p("Figures (QualCoder  <-  project.qde)")
    p(f"  sources            {f['sources']:>6}  <- {e['text_sources']} TextSource, "
      f"{e['pdf_representations']} PDF text representation(s), other {e['other_sources'] or 0}")
    p(f"  cases              {f['cases']:>6}  <- {e['named_cases']} named Case(s)")
    p(f"  case-source links  {f['case_source_links']:>6}  <- {e['case_source_refs']} SourceRef(s) in named Cases")
    p(f"  codes              {f['codes']:>6}  <- {e['codes_codable']} Code isCodable=true")
    p(f"  categories         {f['categories']:>6}  <- {e['codes_not_codable']} Code isCodable=false")
    p(f"  codings (code_text){f['codings']:>6}  <- {e['codings']} Coding(s) in PlainTextSelections")
    p(f"  codings per owner  " + (", ".join(f"{k}: {v}" for k, v in f["codings_per_owner"].items()) or "-"))
    p(f"     owner = PlainTextSelection creatingUser: {f['owner_is_selection_creatingUser']}, "
      f"= Coding creatingUser: {f['owner_is_coding_creatingUser']} (of {f['codings']})")
    p(f"  journals           {f['journals']:>6}  <- {e['notes']} Note(s)")
    p(f"  annotations        {f['annotations']:>6}  <- {e['selections_without_coding']} selection(s) without "
      f"Coding + annotation Notes")
    mm = f["memos"]
    p(f"  memos              project {mm['project']}, source {mm['source']}, code {mm['code']}, category "
      f"{mm['category']}, case {mm['case']}, coding {mm['coding']}")
    p(f"  attributes         {f['attributes']:>6}  ({f['attribute_types']} attribute types <- {e['variables']} Variable(s))")
    p(f"  project coder name {f['project_codername']!r}; users in project.qde: {e['users']}")
    p("")
    p("Codes")
    for c in res["codes"]:
        p(f"  {c['name']!r} (isCodable={str(c['isCodable']).lower()}"
          f"{', parent ' + repr(c['qde_parent']) if c['qde_parent'] else ''}) -> {c['qualcoder']}")
    p("Sources")
    for s in res["sources"]:
        p(f"  [{s['id']}] {s['name']!r} owner {s['owner']!r}, {s['fulltext_chars']} chars; stored text vs .txt: "
          f"{s['fulltext_vs_txt']}" + (f"; memo {s['memo']!r}" if s["memo"] else ""))
    if res["notes"]:
        p("Notes")
        for n in res["notes"]:
            kinds = [k for k in ("plainTextPath", "PlainTextContent", "PlainTextSelection") if n[k]]
            p(f"  {n['name']!r} (referenced from {', '.join(n['referenced_from']) or 'nothing'}; has "
              f"{', '.join(kinds) or 'no text'}) -> {n['qualcoder']}")
    p("")
    p(f"Checks: {res['checked_rows']} code_text row(s); {len(res['mismatches'])} mismatch(es)"
      + (f", {len(res['tolerated'])} tolerated CRLF substitution(s)" if tolerate_crlf else ""))
    for x in res["mismatches"]:
        p(f"  MISMATCH [{x['check']}] {x.get('row', '')}{': ' if x.get('row') else ''}{x['detail']}")
    for x in res["tolerated"]:
        p(f"  tolerated [{x['check']}] {x.get('row', '')}: {x['detail']}")
    if res["notices"]:
        p("Notices (not counted as failures)")
        for n in res["notices"]:
            p(f"  - {n}")


# --------------------------------------------------------------------------------------------
# 4. Coding in QualCoder and exporting with its own exporter (the way back)
# --------------------------------------------------------------------------------------------

def _source_holding(cur, words):
    row = cur.execute("select id, fulltext from source where instr(fulltext, ?) > 0 order by id",
                      (words,)).fetchone()
    if row is None:
        raise UsageError(f"no source holds {words!r}")
    return row[0], row[1].index(words)


def _code_id(cur, name, owner, create=False):
    row = cur.execute("select cid from code_name where name = ?", (name,)).fetchone()
    if row is not None:
        return row[0]
    if not create:
        raise UsageError(f"QualCoder has no code named {name!r}")
    cur.execute("insert into code_name (name, memo, owner, date, catid, color) values (?, '', ?, ?, null, ?)",
                (name, owner, "2026-12-07 10:00:00", "#F4FA58"))
    return cur.lastrowid


def edit_codings(conn, removals, moves, additions):
    """The rows QualCoder's coding window writes (code_text, code_name), changed as a coder there
    would: every coding of a code removed; the coding of a code moved onto other words of its
    source; words coded with a code (new when QualCoder has none of that name) for a coder."""
    cur = conn.cursor()
    for name in removals:
        cur.execute("delete from code_text where cid = ?", (_code_id(cur, name, ""),))
    for name, words in moves:
        fid, start = _source_holding(cur, words)
        cid = _code_id(cur, name, "")
        cur.execute("update code_text set pos0 = ?, pos1 = ?, seltext = ? where cid = ? and fid = ?",
                    (start, start + len(words), words, cid, fid))
        if cur.rowcount != 1:
            raise UsageError(f"--move-coding {name!r}: {cur.rowcount} codings of it on the source of {words!r}")
    for name, words, owner in additions:
        fid, start = _source_holding(cur, words)
        cur.execute("insert into code_text (cid, fid, seltext, pos0, pos1, owner, memo, date, important) "
                    "values (?, ?, ?, ?, ?, ?, '', ?, null)",
                    (_code_id(cur, name, owner, create=True), fid, words, start, start + len(words), owner,
                     "2026-12-07 10:00:00"))
    conn.commit()


def run_qualcoder_export(window, workdir, out_path, capture):
    """QualCoder's RefiExport(app, log, "project") writes the open project as a .qdpx; it is
    moved to out_path. Returns the exception text or None."""
    import qualcoder.refi as qc_refi
    directory = workdir / "exported"
    directory.mkdir()
    # QualCoder's start-up makes ~/.qualcoder (the headless App does not); the export stages there.
    (Path(os.environ["HOME"]) / ".qualcoder").mkdir(exist_ok=True)
    window.answers["getExistingDirectory"] = str(directory)
    out = _TeeLines(capture, "stdout")
    err = _TeeLines(capture, "stderr")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            qc_refi.RefiExport(window.app, window.ui.textEdit, "project")
        except Exception:  # noqa: BLE001 - anything QualCoder raises is a finding
            return "while exporting (RefiExport):\n" + traceback.format_exc()
        finally:
            out.flush()
            err.flush()
    written = sorted(directory.glob("*.qdpx"))
    if len(written) != 1:
        return f"RefiExport wrote {len(written)} .qdpx files to {directory}"
    shutil.move(str(written[0]), out_path)
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--qualcoder-src", required=True, type=Path,
                    help="top of QualCoder's source tree (the folder holding src/qualcoder)")
    ap.add_argument("--qdpx", required=True, type=Path, help="the REFI-QDA project file to check")
    ap.add_argument("--json", action="store_true", help="print a machine-readable summary instead of text")
    ap.add_argument("--verbose", action="store_true", help="also print QualCoder's whole action log")
    ap.add_argument("--keep", action="store_true", help="keep the temporary QualCoder project and print its path")
    ap.add_argument("--tolerate-crlf", action="store_true",
                    help="do not fail rows whose seltext differs from the .txt only by QualCoder's "
                         "CRLF -> LF+space substitution")
    ap.add_argument("--export-qdpx", type=Path, metavar="OUT",
                    help="after the checks, export the project with QualCoder's own RefiExport to OUT")
    ap.add_argument("--remove-coding", action="append", default=[], metavar="CODE",
                    help="before exporting, remove every coding of CODE in QualCoder")
    ap.add_argument("--move-coding", action="append", default=[], nargs=2, metavar=("CODE", "WORDS"),
                    help="before exporting, move the coding of CODE onto WORDS of the same source")
    ap.add_argument("--add-coding", action="append", default=[], nargs=3, metavar=("CODE", "WORDS", "CODER"),
                    help="before exporting, code WORDS with CODE (created if missing) as CODER")
    args = ap.parse_args(argv)
    if (args.remove_coding or args.move_coding or args.add_coding) and not args.export_qdpx:
        ap.error("--remove-coding, --move-coding and --add-coding change what --export-qdpx writes")

    try:
        return _main(args)
    except UsageError as err:
        print(f"qualcoder_check: {err}", file=sys.stderr)
        return 2


def _main(args):
    if not args.qdpx.is_file():
        raise UsageError(f"{args.qdpx}: no such file")
    model = parse_qdpx(args.qdpx)
    workdir = Path(tempfile.mkdtemp(prefix="qualcoder-check-"))
    try:
        return _run(args, model, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def _run(args, model, workdir):
    capture = Capture()
    project_path, exc_text, notes, window = run_qualcoder_import(
        args.qualcoder_src.resolve(), args.qdpx.resolve(), workdir, capture, keep_open=bool(args.export_qdpx))

    res = None
    verify_error = None
    if project_path and (Path(project_path) / "data.qda").is_file():
        try:
            res = verify(project_path, model, args.tolerate_crlf)
        except Exception:  # noqa: BLE001
            verify_error = traceback.format_exc()
    else:
        verify_error = "no QualCoder project database was created"

    ok = exc_text is None and verify_error is None and res is not None and not res["mismatches"]
    export_error = None
    if ok and window is not None:
        try:
            edit_codings(window.app.conn, args.remove_coding, args.move_coding, args.add_coding)
            export_error = run_qualcoder_export(window, workdir, args.export_qdpx.resolve(), capture)
        finally:
            window.app.conn.close()
        ok = export_error is None
    if args.json:
        summary = {
            "qdpx": str(args.qdpx), "qualcoder_src": str(args.qualcoder_src), "ok": ok,
            "import_exception": exc_text, "verify_error": verify_error, "export_error": export_error,
            "project_path": project_path if args.keep else None, "driver_notes": notes,
            "messages": shown_events(capture),
            "action_log": [ev["text"] for ev in capture.events if ev["kind"] == "action_log"],
            "log": [ev for ev in capture.events if ev["kind"] in ("log", "qt") and ev["level"] == "info"],
            "driver": [ev["text"] for ev in capture.events if ev["kind"] == "driver"],
        }
        if res is not None:
            summary.update({k: res[k] for k in ("figures", "expected", "codes", "sources", "notes",
                                                "checked_rows", "mismatches", "tolerated", "notices")})
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print_report(args.qdpx, model, project_path, exc_text, capture, notes, res, args.keep, args.tolerate_crlf)
        if args.verbose:
            print("\nQualCoder action log (MainWindow.ui.textEdit) and other output")
            for ev in capture.events:
                if ev["kind"] != "message_box":
                    print(f"  {ev['kind']:<10} {ev['level']:<7} " + ev["text"].replace("\n", "\n" + " " * 21))
        if verify_error:
            print(f"\nVERIFY ERROR: {verify_error}")
        if export_error:
            print(f"\nEXPORT ERROR: {export_error}")
        elif args.export_qdpx and ok:
            print(f"\nQualCoder's RefiExport wrote {args.export_qdpx}")
        print("\nRESULT: " + ("PASS" if ok else "FAIL"))
    sys.stdout.flush()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
