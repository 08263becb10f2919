"""Round trips through the real annotation tools: Label Studio and doccano from PyPI, each in its
own virtual environment (they pin their own Django and numpy), started by these tests on
127.0.0.1 with a throwaway data folder, and stopped with every child process at the end.

A project is created with argmine's config, the gold and the predictions of crs-mq9-reaper
are imported, a label is changed (and predictions reviewed) through the tool's API, the
project is exported and read back with `argmine import`, and compared with the gold.

The tools' virtual environments are made on first use under ``$ARGMINE_TOOLS_DIR`` (default
``~/.cache/argmine-tools``), one folder per tool and version, and reused afterwards. Without a
network the tests skip, except under CI (``CI`` set), where a tool that cannot be installed or
started fails them. Nothing but 127.0.0.1 is contacted: the tools' telemetry, error reporting
and update checks are switched off by their own settings (``SERVER_ENV``), and as a guard the
proxy variables point any HTTP client that honours them at a closed local port.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from argmine.cli import main
from conftest import GOLD, ROOT

pytestmark = pytest.mark.integration

MQ9 = GOLD / "crs-mq9-reaper.jsonl"  # 69 sentences by A+B (2 adjudicated); `argmine run` merges 2 and 3
RAW = ROOT / "corpus" / "raw"

# What each tool needs from PyPI to start at all: Label Studio 1.23.2 fails to start with
# sentry-sdk 3; doccano 1.8.4's import and export worker needs marshmallow 3 and numpy 1.
TOOLS = {
    "label-studio": ("1.23.2", ["label-studio==1.23.2", "sentry-sdk<3"]),
    "doccano": ("1.8.4", ["doccano==1.8.4", "marshmallow<4", "numpy<2"]),
}
INSTALL_TIMEOUT = 1500  # seconds, per tool
START_TIMEOUT = 300  # seconds until the server answers, on a busy 2-core machine
GUARD = "http://127.0.0.1:9"  # the discard port: nothing listens, a proxied request fails at once
SERVER_ENV = {
    # Label Studio (label_studio/core/settings/base.py and label_studio.py, read through get_env, which
    # also accepts a LABEL_STUDIO_ prefix): an empty DSN disables sentry_sdk.init in core/utils/sentry.py
    # (`if settings.SENTRY_DSN:`) and the frontend's reporting; LATEST_VERSION_CHECK=false stops
    # check_for_the_latest_version (core/utils/common.py) asking pypi.org; COLLECT_ANALYTICS=false stops
    # ContextLog (core/utils/contextlog.py) posting usage to tele.labelstud.io.
    "SENTRY_DSN": "",
    "FRONTEND_SENTRY_DSN": "",
    "LATEST_VERSION_CHECK": "false",
    "COLLECT_ANALYTICS": "false",
    # doccano's backend calls out only for social logins and auto-labelling, neither configured here.
    "HTTP_PROXY": GUARD,
    "HTTPS_PROXY": GUARD,
    "http_proxy": GUARD,
    "https_proxy": GUARD,
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
}
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # the tests' own requests go direct


def unavailable(message: str):
    """A tool that cannot be installed or started: a failure under CI, else a skip with the reason."""
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def tool_python(tool: str) -> Path:
    """The tool's virtual environment, made and installed on first use; returns its bin folder."""
    version, requirements = TOOLS[tool]
    base = Path(os.environ.get("ARGMINE_TOOLS_DIR") or Path.home() / ".cache" / "argmine-tools")
    venv = base / f"{tool}-{version}"
    ready = venv / ".argmine-installed"
    if ready.is_file() and ready.read_text() == " ".join(requirements):
        return venv / "bin"
    base.mkdir(parents=True, exist_ok=True)
    log = base / f"{tool}-{version}.install.log"
    try:
        with log.open("w") as out:
            subprocess.run(
                [sys.executable, "-m", "venv", "--clear", str(venv)], check=True, stdout=out, stderr=out, timeout=120
            )
            subprocess.run(
                [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", *requirements],
                check=True,
                stdout=out,
                stderr=out,
                timeout=INSTALL_TIMEOUT,
            )
    except (OSError, subprocess.SubprocessError) as exc:
        tail = log.read_text(errors="replace").strip().splitlines()[-3:] if log.is_file() else []
        unavailable(f"cannot install {' '.join(requirements)} into {venv} ({exc}); {' | '.join(tail)}; see {log}")
    ready.write_text(" ".join(requirements))
    return venv / "bin"


def terminate_with_parent() -> None:
    """In a server process before it starts (Linux): SIGTERM when the test process dies, so that
    even a killed pytest, which runs no fixture teardown, leaves no server behind."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """Processes started in their own process group (so that stopping it stops every child), with
    their output in a log file, and a client for the server's HTTP API on 127.0.0.1."""

    def __init__(self, name: str, folder: Path, port: int, env: dict):
        self.name, self.folder, self.port = name, folder, port
        self.base = f"http://127.0.0.1:{port}"
        self.env = {**os.environ, **SERVER_ENV, **env}
        self.processes: list[subprocess.Popen] = []
        self.headers: dict[str, str] = {}

    def run(self, args: list[str], timeout: float = 300) -> None:
        with (self.folder / f"{self.name}.log").open("a") as log:
            try:
                subprocess.run(args, env=self.env, stdout=log, stderr=log, check=True, timeout=timeout)
            except (OSError, subprocess.SubprocessError) as exc:
                unavailable(f"{self.name}: {' '.join(map(str, args[:3]))} failed ({exc}); see {log.name}")

    def start(self, args: list[str]) -> None:
        log = (self.folder / f"{self.name}.log").open("a")
        self.processes.append(
            subprocess.Popen(
                args,
                env=self.env,
                stdout=log,
                stderr=log,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=terminate_with_parent,
            )
        )

    def wait(self, path: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    unavailable(f"{self.name} exited with {process.returncode}: {self.log_tail()}")
            try:
                with LOCAL.open(self.base + path, timeout=10) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(1)
        unavailable(f"{self.name} did not answer on {self.base}{path} within {START_TIMEOUT} s: {self.log_tail()}")

    def log_tail(self) -> str:
        path = self.folder / f"{self.name}.log"
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-5:]) if path.is_file() else ""

    def stop(self) -> None:
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(process.pid, signal.SIGKILL)  # whatever of the group is left
            except ProcessLookupError:
                pass
            process.wait()

    def call(
        self, method: str, path: str, body=None, data: bytes | None = None, content_type="application/json", raw=False
    ):
        """One API request; the JSON answer, or with ``raw`` the bytes as the server sent them."""
        if body is not None:
            data = json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers={**self.headers, "Content-Type": content_type}
        )
        try:
            with LOCAL.open(request, timeout=300) as response:
                payload = response.read()
                kind = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"{method} {path}: {exc.code} {exc.read()[:500]!r}") from None
        return payload if raw or "json" not in kind else json.loads(payload) if payload else None


@pytest.fixture(scope="module")
def label_studio(tmp_path_factory):
    bin_ = tool_python("label-studio")
    folder = tmp_path_factory.mktemp("label-studio")
    server = Server("label-studio", folder, free_port(), {"LABEL_STUDIO_BASE_DATA_DIR": str(folder)})
    token = uuid.uuid4().hex
    try:
        server.start(
            [
                str(bin_ / "label-studio"),
                "start",
                "--no-browser",
                "--data-dir",
                str(folder),
                "--internal-host",
                "127.0.0.1",
                "--port",
                str(server.port),
                "--username",
                "argmine@example.org",
                "--password",
                uuid.uuid4().hex,
                "--user-token",
                token,
                "--enable-legacy-api-token",
            ]
        )
        server.wait("/health")
        server.headers = {"Authorization": f"Token {token}"}
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def doccano(tmp_path_factory):
    bin_ = tool_python("doccano")
    folder = tmp_path_factory.mktemp("doccano")
    backend = next((bin_.parent / "lib").glob("python*/site-packages/backend"))
    env = {
        "DOCCANO_HOME": str(folder),
        "DEBUG": "False",
        "STANDALONE": "True",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
        "MEDIA_ROOT": str(folder / "media"),
    }
    server = Server("doccano", folder, free_port(), env)
    password = uuid.uuid4().hex
    try:
        server.run([str(bin_ / "doccano"), "init"])
        server.run([str(bin_ / "doccano"), "createuser", "--username", "admin", "--password", password])
        # `doccano webserver` binds 0.0.0.0; its gunicorn application, bound to 127.0.0.1 alone:
        server.start(
            [
                str(bin_ / "gunicorn"),
                "--bind",
                f"127.0.0.1:{server.port}",
                "--workers",
                "1",
                "--chdir",
                str(backend),
                "config.wsgi",
            ]
        )
        # `doccano task`: the celery worker that imports and exports datasets
        server.start(
            [
                str(bin_ / "celery"),
                "--app=config",
                f"--workdir={backend}",
                "worker",
                "--concurrency=1",
                "--loglevel=info",
            ]
        )
        server.wait("/v1/health/")
        key = server.call("POST", "/v1/auth/login/", {"username": "admin", "password": password})["key"]
        server.headers = {"Authorization": f"Token {key}"}
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """argmine's exports of the gold of crs-mq9-reaper and of its predictions, numbered by the gold."""
    folder = tmp_path_factory.mktemp("exports")
    run = folder / "run"
    commands = [
        ["run", RAW / "crs-mq9-reaper.md", "--out", run, "--quiet"],
        ["export", "--gold", MQ9, "--format", "label-studio", "--out", folder / "ls-gold"],
        ["export", "--pred", run, "--gold", MQ9, "--format", "label-studio", "--out", folder / "ls-pred"],
        ["export", "--gold", MQ9, "--format", "doccano", "--out", folder / "gold.doccano.jsonl"],
        ["export", "--pred", run, "--gold", MQ9, "--format", "doccano", "--out", folder / "pred.doccano.jsonl"],
    ]
    for command in commands:
        result = CliRunner().invoke(main, [str(c) for c in command])
        assert result.exit_code == 0, result.output
    return folder


def argmine_import(*args):
    result = CliRunner().invoke(main, ["import", *map(str, args)])
    return result.exit_code, result.output


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def without(rows: list[dict], *keys) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in keys} for r in rows]


def test_label_studio_round_trip(label_studio, exports, tmp_path):
    ls = label_studio
    gold = lines(MQ9)
    config = (exports / "ls-gold" / "label_config.xml").read_text()
    project = ls.call("POST", "/api/projects", {"title": "mq9 gold", "label_config": config})["id"]
    answer = ls.call(
        "POST", f"/api/projects/{project}/import", json.loads((exports / "ls-gold" / "tasks.json").read_text())
    )
    assert (answer["task_count"], answer["annotation_count"], answer["prediction_count"]) == (69, 69, 0)

    # a reviewer changes sentence 4's role through the API
    tasks = ls.call("GET", f"/api/projects/{project}/export?exportType=JSON")
    task = next(t for t in tasks if t["data"]["sent_id"] == 4)
    result = json.loads(json.dumps(task["annotations"][0]["result"]))
    next(r for r in result if r["from_name"] == "role")["value"]["choices"] = ["recommendation"]
    ls.call("PATCH", f"/api/annotations/{task['annotations'][0]['id']}", {"result": result})

    export = tmp_path / "project-gold.json"
    export.write_bytes(ls.call("GET", f"/api/projects/{project}/export?exportType=JSON", raw=True))
    assert export.read_text().count("\n") <= 1  # one line: positions must name the task
    out = tmp_path / "crs-mq9-reaper.jsonl"
    assert argmine_import("--format", "label-studio", export, "--out", out) == (
        0,
        f"69 labelled sentences written to {out}\n",
    )
    rows = lines(out)
    user = rows[0]["tool_annotator"]["id"]
    assert {json.dumps(r["tool_annotator"]) for r in rows} == {json.dumps({"tool": "label-studio", "id": user})}
    assert [r["annotator"] for r in rows] == [g["annotator"] for g in gold[:3]] + [str(user)] + [
        g["annotator"] for g in gold[4:]
    ]
    assert rows[3]["role"] == "recommendation"
    assert without(rows[:3] + rows[4:], "tool_annotator", "exclude", "note") == without(
        gold[:3] + gold[4:], "exclude", "note"
    )
    assert [(r.get("exclude", False), r.get("note", "")) for r in rows] == [
        (g.get("exclude", False), g.get("note", "")) for g in gold
    ]

    # the export with full user details (a snapshot) carries the email, and --annotator takes it
    snapshot = ls.call(
        "POST",
        f"/api/projects/{project}/exports",
        {"title": "argmine", "serialization_options": {"annotations__completed_by": {"only_id": False}}},
    )
    for _ in range(120):
        if ls.call("GET", f"/api/projects/{project}/exports/{snapshot['id']}")["status"] == "completed":
            break
        time.sleep(1)
    detailed = tmp_path / "snapshot.json"
    detailed.write_bytes(
        ls.call("GET", f"/api/projects/{project}/exports/{snapshot['id']}/download?exportType=JSON", raw=True)
    )
    by_email = tmp_path / "by-email.jsonl"
    assert argmine_import(
        "--format", "label-studio", detailed, "--out", by_email, "--annotator", "argmine@example.org"
    ) == (0, f"69 labelled sentences written to {by_email}\n")
    assert lines(by_email)[3]["tool_annotator"] == {"tool": "label-studio", "id": user, "email": "argmine@example.org"}
    assert lines(by_email)[3]["annotator"] == "argmine@example.org"
    assert without(lines(by_email), "tool_annotator", "annotator") == without(rows, "tool_annotator", "annotator")


def test_label_studio_predictions_stay_predictions(label_studio, exports, tmp_path):
    ls = label_studio
    config = (exports / "ls-pred" / "label_config.xml").read_text()
    project = ls.call("POST", "/api/projects", {"title": "mq9 predictions", "label_config": config})["id"]
    tasks = json.loads((exports / "ls-pred" / "tasks.json").read_text())
    answer = ls.call("POST", f"/api/projects/{project}/import", tasks)
    assert (answer["task_count"], answer["annotation_count"], answer["prediction_count"]) == (69, 0, 69)

    everything = ls.call("GET", f"/api/projects/{project}/export?exportType=JSON&download_all_tasks=true")
    assert len(everything) == 69 and all(t["predictions"] and not t["annotations"] for t in everything)
    unreviewed = tmp_path / "unreviewed.json"
    unreviewed.write_text(json.dumps(everything))
    code, output = argmine_import("--format", "label-studio", unreviewed, "--out", tmp_path / "none.jsonl")
    assert (code, output) == (
        1,
        f"Error: {unreviewed}: no labelled sentences in the file (69 skipped); label some first\n",
    )

    # a reviewer accepts the predictions of sentences 1 and 2 and corrects the level of 3
    by_sentence = {t["data"]["sent_id"]: t for t in everything}
    exported = {t["data"]["sent_id"]: t for t in tasks}
    corrected = other_level(by_sentence[3]["data"]["exported_labels"])
    for sent_id in (1, 2, 3):
        # Label Studio's export lists a task's predictions by id: their results are argmine's tasks'
        result = json.loads(json.dumps(exported[sent_id]["predictions"][0]["result"]))
        if sent_id == 3:
            next(r for r in result if r["from_name"] == "level")["value"]["choices"] = [corrected]
        ls.call("POST", f"/api/tasks/{by_sentence[sent_id]['id']}/annotations", {"result": result})
    export = tmp_path / "project-pred.json"
    export.write_bytes(
        ls.call("GET", f"/api/projects/{project}/export?exportType=JSON&download_all_tasks=true", raw=True)
    )
    out = tmp_path / "reviewed.jsonl"
    assert argmine_import("--format", "label-studio", export, "--out", out) == (
        0,
        f"3 labelled sentences written to {out}; 66 unlabelled or rejected tasks skipped\n",
    )
    rows = lines(out)
    gold = lines(MQ9)
    assert [(r["sent_id"], r["text"]) for r in rows] == [(g["sent_id"], g["text"]) for g in gold[:3]]  # the gold's ids
    predicted = {t["data"]["sent_id"]: t["data"]["exported_labels"] for t in tasks}
    assert [f"role:{r['role']}" for r in rows] == [predicted[n][0] for n in (1, 2, 3)]
    assert rows[2]["level"] == corrected
    assert {r["annotator"] for r in rows} == {str(rows[0]["tool_annotator"]["id"])}


def other_level(labels: list[str]) -> str:
    """A level other than the predicted one among ``labels``."""
    return next(level for level in ("strategic", "practical") if f"level:{level}" not in labels)


def doccano_upload(dc, project: int, path: Path) -> None:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="filepond"; filename="{path.name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + path.read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    upload = dc.call("POST", "/v1/fp/process/", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    task = dc.call(
        "POST",
        f"/v1/projects/{project}/upload",
        {
            "uploadIds": [upload.decode()],
            "format": "JSONL",
            "task": "DocumentClassification",
            "column_data": "text",
            "column_label": "label",
            "encoding": "utf_8",
        },
    )
    status = doccano_wait(dc, task["task_id"])
    assert status["result"] == {"error": []}, status


def doccano_wait(dc, task_id: str) -> dict:
    for _ in range(300):
        status = dc.call("GET", f"/v1/tasks/status/{task_id}")
        if status["ready"]:
            assert status["error"] is None, status
            return status
        time.sleep(1)
    raise AssertionError(f"doccano task {task_id} not done after 300 s: {dc.log_tail()}")


def doccano_export(dc, project: int, folder: Path, approved: bool = False) -> dict[str, Path]:
    """The project's JSONL export: doccano's zip, one file per user (not collaborative)."""
    task = dc.call("POST", f"/v1/projects/{project}/download", {"format": "JSONL", "exportApproved": approved})
    doccano_wait(dc, task["task_id"])
    download = dc.call("GET", f"/v1/projects/{project}/download?taskId={task['task_id']}", raw=True)
    archive = zipfile.ZipFile(io.BytesIO(download))
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for name in archive.namelist():
        files[name] = folder / name
        files[name].write_bytes(archive.read(name))
    return files


def doccano_project(dc, name: str) -> int:
    return dc.call(
        "POST",
        "/v1/projects",
        {
            "name": name,
            "description": "argmine round trip",
            "guideline": "",
            "project_type": "DocumentClassification",
            "resourcetype": "TextClassificationProject",
            "single_class_classification": False,
            "collaborative_annotation": False,
        },
    )["id"]


def doccano_examples(dc, project: int) -> dict[int, dict]:
    """The project's examples by argmine's sent_id (kept in doccano's metadata)."""
    found = dc.call("GET", f"/v1/projects/{project}/examples?limit=500")["results"]
    return {e["meta"]["sent_id"]: e for e in found}


def doccano_relabel(dc, project: int, example: dict, axis: str, label: str) -> None:
    """Replace an example's label of one axis, as an annotator clicking in doccano does."""
    types = {t["text"]: t["id"] for t in dc.call("GET", f"/v1/projects/{project}/category-types")}
    if f"{axis}:{label}" not in types:
        types[f"{axis}:{label}"] = dc.call(
            "POST", f"/v1/projects/{project}/category-types", {"text": f"{axis}:{label}", "background_color": "#209cee"}
        )["id"]
    names = {v: k for k, v in types.items()}
    for category in dc.call("GET", f"/v1/projects/{project}/examples/{example['id']}/categories"):
        if names[category["label"]].startswith(axis + ":"):
            dc.call("DELETE", f"/v1/projects/{project}/examples/{example['id']}/categories/{category['id']}")
    dc.call("POST", f"/v1/projects/{project}/examples/{example['id']}/categories", {"label": types[f"{axis}:{label}"]})


def test_doccano_round_trip(doccano, exports, tmp_path):
    dc = doccano
    project = doccano_project(dc, "mq9 gold")
    doccano_upload(dc, project, exports / "gold.doccano.jsonl")
    examples = doccano_examples(dc, project)
    assert len(examples) == 69 and examples[4]["meta"]["annotator"] == "A+B"
    doccano_relabel(dc, project, examples[4], "role", "recommendation")

    files = doccano_export(dc, project, tmp_path / "export")
    assert list(files) == ["admin.jsonl"]  # one file per user; no user inside
    out = tmp_path / "crs-mq9-reaper.jsonl"
    assert argmine_import("--format", "doccano", files["admin.jsonl"], "--out", out, "--annotator", "admin") == (
        0,
        f"69 labelled sentences written to {out}\n",
    )
    rows, gold = lines(out), lines(MQ9)
    assert [r["annotator"] for r in rows] == [g["annotator"] for g in gold[:3]] + ["admin"] + [
        g["annotator"] for g in gold[4:]
    ]
    assert {json.dumps(r["tool_annotator"]) for r in rows} == {'{"tool": "doccano", "user": "admin"}'}
    assert rows[3]["role"] == "recommendation"
    assert without(rows[:3] + rows[4:], "tool_annotator", "exclude", "note") == without(
        gold[:3] + gold[4:], "exclude", "note"
    )
    assert [(r.get("exclude", False), r.get("note", "")) for r in rows] == [
        (g.get("exclude", False), g.get("note", "")) for g in gold
    ]


def test_doccano_predictions_are_not_gold_until_reviewed(doccano, exports, tmp_path):
    dc = doccano
    project = doccano_project(dc, "mq9 predictions")
    doccano_upload(dc, project, exports / "pred.doccano.jsonl")
    examples = doccano_examples(dc, project)
    assert len(examples) == 69  # numbered by the gold: sentences 2 and 3 both carry the run's sentence 2

    unreviewed = doccano_export(dc, project, tmp_path / "unreviewed")["admin.jsonl"]
    code, output = argmine_import(
        "--format", "doccano", unreviewed, "--out", tmp_path / "x.jsonl", "--annotator", "admin"
    )
    assert (code, output) == (
        1,
        f"Error: {unreviewed}: all 69 labelled sentences are argmine's predictions as exported, unchanged: nobody "
        "reviewed them; label or confirm them in the tool, then export the approved examples only and pass --reviewed\n",
    )

    # the reviewer corrects sentence 3's level and confirms sentences 1 to 3
    corrected = other_level(examples[3]["meta"]["exported_labels"])
    doccano_relabel(dc, project, examples[3], "level", corrected)
    for sent_id in (1, 2, 3):
        dc.call("POST", f"/v1/projects/{project}/examples/{examples[sent_id]['id']}/states", {})
    everything = doccano_export(dc, project, tmp_path / "all")["admin.jsonl"]
    out = tmp_path / "changed.jsonl"
    assert argmine_import("--format", "doccano", everything, "--out", out, "--annotator", "admin") == (
        0,
        f"1 labelled sentence written to {out}; 68 of argmine's predictions, unchanged, left out (--reviewed takes them)\n",
    )
    assert [(r["sent_id"], r["level"], r["annotator"]) for r in lines(out)] == [(3, corrected, "admin")]

    approved = doccano_export(dc, project, tmp_path / "approved", approved=True)["admin.jsonl"]
    out = tmp_path / "reviewed.jsonl"
    assert argmine_import("--format", "doccano", approved, "--out", out, "--annotator", "admin", "--reviewed") == (
        0,
        f"3 labelled sentences written to {out}\n",
    )
    rows = lines(out)
    assert [(r["sent_id"], r["text"]) for r in rows] == [(g["sent_id"], g["text"]) for g in lines(MQ9)[:3]]
    assert {r["annotator"] for r in rows} == {"admin"}
