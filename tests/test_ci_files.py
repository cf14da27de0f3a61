"""The CI files an authority copies: GitHub Actions (also run by Gitea and Forgejo) and GitLab CI.

- Both files are valid against the schemas ``check-jsonschema`` ships inside its package; the runs here have
  no network (sockets refused) and an empty cache, so nothing is downloaded.
- Every ``maturity …`` line in them parses with the CLI's own parser (and, in test_git_workflow.py, passes on
  a clean repository).
- What the files promise: the pinned install, today's date in Beijing, one sticky pull-request comment and one
  merge-request note (each run against a fake forge on 127.0.0.1), the Code Quality report, the publication.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from conftest import A, PROJECT, S
from maturity.cli import build_parser
from test_git_workflow import PINGTAI_S, commit, git, init_repo, maturity_commands, set_score

WORKFLOWS = sorted((PROJECT / ".github" / "workflows").glob("*.yml"))
GITHUB = PROJECT / ".github" / "workflows" / "maturity.yml"
GITLAB = PROJECT / ".gitlab-ci.yml"
MARKER = "<!-- maturity-diff -->"
BIN = Path(sys.executable).parent
CHECK_JSONSCHEMA = BIN / "check-jsonschema"
# The pinned install of scripts/_install.sh, in every CI file.
PINNED = ("--require-hashes --no-deps -r requirements-lock.txt", "--no-deps --no-build-isolation -e .")

# Imported first by every Python started with it on PYTHONPATH: no socket can connect or resolve a name.
NO_NETWORK = '''\
import socket

def _refuse(*args, **kwargs):
    raise OSError("no network in the tests")

socket.socket.connect = socket.socket.connect_ex = _refuse
socket.create_connection = socket.getaddrinfo = _refuse
'''


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def offline_env(tmp_path: Path) -> dict:
    guard = tmp_path / "no-network"
    guard.mkdir(exist_ok=True)
    (guard / "sitecustomize.py").write_text(NO_NETWORK, encoding="utf-8")
    cache = tmp_path / "cache"
    cache.mkdir(exist_ok=True)
    return dict(os.environ, PYTHONPATH=str(guard), XDG_CACHE_HOME=str(cache), HOME=str(tmp_path))


def check_jsonschema(tmp_path: Path, schema: str, *files: Path) -> subprocess.CompletedProcess:
    """check-jsonschema with a built-in schema, offline, with an empty cache that must stay empty."""
    env = offline_env(tmp_path)
    proc = subprocess.run([str(CHECK_JSONSCHEMA), "--builtin-schema", schema, *map(str, files)],
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    assert not list(Path(env["XDG_CACHE_HOME"]).rglob("*")), "check-jsonschema cached (downloaded) something"
    return proc


# --- the schemas -----------------------------------------------------------------------------------------
def test_the_tests_have_no_network(tmp_path):
    proc = subprocess.run([sys.executable, "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9')"],
                          capture_output=True, text=True, env=offline_env(tmp_path), timeout=60)
    assert proc.returncode != 0 and "no network in the tests" in proc.stderr, proc.stderr


def test_the_vendor_schemas_ship_inside_the_package():
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    for name in ("github-workflows.json", "gitlab-ci.json"):
        schema = json.loads(vendor.joinpath(name).read_text(encoding="utf-8"))
        assert "$schema" in schema
        assert not re.search(r'"\$ref":\s*"https?:', json.dumps(schema)), f"{name} refers to a schema on the web"


def test_github_workflows_are_valid(tmp_path):
    assert GITHUB in WORKFLOWS
    proc = check_jsonschema(tmp_path, "vendor.github-workflows", *WORKFLOWS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok -- validation done" in proc.stdout


def test_gitlab_ci_is_valid(tmp_path):
    proc = check_jsonschema(tmp_path, "vendor.gitlab-ci", GITLAB)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok -- validation done" in proc.stdout


def test_the_schemas_reject_broken_ci_files(tmp_path):
    """The validation is not vacuous: one wrong key in each file fails it."""
    broken = tmp_path / "broken.yml"
    broken.write_text(GITHUB.read_text(encoding="utf-8").replace("    runs-on: ubuntu-latest\n", "    runs_on: ubuntu-latest\n", 1),
                      encoding="utf-8")
    proc = check_jsonschema(tmp_path, "vendor.github-workflows", broken)
    assert proc.returncode == 1, proc.stdout
    broken.write_text(GITLAB.read_text(encoding="utf-8").replace("    when: always", "    when: sometimes", 1), encoding="utf-8")
    proc = check_jsonschema(tmp_path, "vendor.gitlab-ci", broken)
    assert proc.returncode == 1, proc.stdout


# --- the maturity commands ------------------------------------------------------------------------------
def test_every_maturity_command_in_the_ci_files_parses():
    commands = maturity_commands()
    parser = build_parser()
    for source in ("maturity.yml", ".gitlab-ci.yml"):
        used = {args[0] for where, args in commands if where.startswith(source)}
        assert used >= {"check", "fmt", "diff"}, (source, used)
    for where, args in commands:
        parser.parse_args(args)  # exits (SystemExit) on an option the command does not have
    assert ["check", "--format", "github"] in [args for _, args in commands]
    assert ["check", "--format", "gitlab"] in [args for _, args in commands]


def test_the_same_pinned_install_everywhere():
    assert all(flags in (PROJECT / "scripts" / "_install.sh").read_text(encoding="utf-8") for flags in PINNED)
    workflow = load(GITHUB)
    for name, job in workflow["jobs"].items():
        runs = "\n".join(step.get("run") or "" for step in job["steps"])
        if "maturity " in runs or "mkdocs " in runs:
            assert all(f"pip install {flags}" in runs for flags in PINNED), name
            python = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/setup-python"))
            assert python["with"]["cache"] == "pip" and python["with"]["cache-dependency-path"] == "requirements-lock.txt"
    gitlab = load(GITLAB)
    install = "\n".join(gitlab["default"]["before_script"])
    assert all(f"pip install -q {flags}" in install for flags in PINNED)
    assert gitlab["default"]["cache"]["key"]["files"] == ["requirements-lock.txt"]


# --- what the GitHub workflow promises --------------------------------------------------------------------
def test_github_workflow_gate_diff_and_publication():
    workflow = load(GITHUB)
    jobs = workflow["jobs"]
    triggers = workflow.get("on", workflow.get(True))  # PyYAML reads the key `on` as a boolean
    assert {"pull_request", "push", "schedule"} <= set(triggers)
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["env"]["TZ"] == "CST-8"  # today's date in Beijing, not the commit's
    assert "SOURCE_DATE_EPOCH" not in GITHUB.read_text(encoding="utf-8")
    # only the diff job may write to the pull request, and it does not wait for the gate
    writers = {name for name, job in jobs.items() if "pull-requests" in (job.get("permissions") or {})}
    assert writers == {"diff"} and jobs["diff"]["permissions"]["pull-requests"] == "write"
    assert "needs" not in jobs["diff"] and jobs["diff"]["if"] == "github.event_name == 'pull_request'"
    checkout = jobs["diff"]["steps"][0]
    assert checkout["with"]["persist-credentials"] is False
    steps = {s.get("name"): s for s in jobs["diff"]["steps"]}
    assert "GITHUB_STEP_SUMMARY" in steps["Job summary"]["run"]
    comment = steps["One sticky comment on the pull request"]
    assert MARKER in comment["run"] and "PATCH" in comment["run"]
    assert "github.server_url == 'https://github.com'" in comment["if"]  # Gitea/Forgejo skip it
    # the gate, then the strict build; Pages only from main, on github.com, one deployment at a time
    gate = [s.get("run") for s in jobs["check"]["steps"]]
    assert "maturity check --format github" in gate and "mkdocs build --strict" in gate
    assert jobs["publish"]["needs"] == "check"
    assert "github.server_url == 'https://github.com'" in jobs["publish"]["if"]
    assert jobs["publish"]["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert set(jobs["publish"]["permissions"]) == {"pages", "id-token"}


GH_FAKE = r'''#!/usr/bin/env python3
"""A stand-in for `gh api`: the comments of one pull request, kept in a JSON file."""
import json, os, subprocess, sys

args, method, jq, fields, paginate = sys.argv[2:], "GET", None, {}, False
assert sys.argv[1] == "api" and os.environ["GH_TOKEN"] == "ghs_test", sys.argv
path = None
while args:
    a = args.pop(0)
    if a == "--paginate": paginate = True
    elif a == "--method": method = args.pop(0)
    elif a == "--jq": jq = args.pop(0)
    elif a == "-F":
        key, value = args.pop(0).split("=", 1)
        fields[key] = open(value[1:], encoding="utf-8").read() if value.startswith("@") else value
    else: path = a
state = json.load(open(os.environ["GH_STATE"], encoding="utf-8"))
state["calls"].append([method, path])
repo = os.environ["GITHUB_REPOSITORY"]
if method == "GET" and path == f"repos/{repo}/issues/{os.environ['PR']}/comments":
    assert paginate
    pages = [state["comments"][i:i + 2] for i in range(0, len(state["comments"]), 2)] or [[]]
    for page in pages:  # gh applies the filter to each page
        out = subprocess.run(["jq", "-r", jq], input=json.dumps(page), capture_output=True, text=True, check=True)
        sys.stdout.write(out.stdout)
elif method == "POST" and path == f"repos/{repo}/issues/{os.environ['PR']}/comments":
    new = {"id": 100 + len(state["comments"]), "user": {"login": "github-actions[bot]"}, "body": fields["body"]}
    state["comments"].append(new)
    print(json.dumps(new))
elif method == "PATCH" and path.startswith(f"repos/{repo}/issues/comments/"):
    target = next(c for c in state["comments"] if str(c["id"]) == path.rsplit("/", 1)[1])
    target["body"] = fields["body"]
    print(json.dumps(target))
else:
    sys.exit(f"unexpected call: {method} {path}")
json.dump(state, open(os.environ["GH_STATE"], "w", encoding="utf-8"))
'''


@pytest.mark.skipif(shutil.which("jq") is None or shutil.which("bash") is None, reason="jq or bash is not installed")
def test_github_comment_is_one_sticky_comment(tmp_path):
    """The workflow's comment step, run with a stand-in for `gh api`: added once, then updated in place."""
    step = next(s for s in load(GITHUB)["jobs"]["diff"]["steps"] if s.get("name") == "One sticky comment on the pull request")
    fake = tmp_path / "bin" / "gh"
    fake.parent.mkdir()
    fake.write_text(GH_FAKE.replace("#!/usr/bin/env python3", f"#!{sys.executable}", 1), encoding="utf-8")
    fake.chmod(0o755)
    state = tmp_path / "state.json"
    others = [{"id": 1, "user": {"login": "assessor"}, "body": f"{MARKER}\n我的旧摘要"},  # a person's, left alone
              {"id": 2, "user": {"login": "github-actions[bot]"}, "body": "another bot comment"},
              {"id": 3, "user": {"login": "reviewer"}, "body": "请补充证据"}]
    state.write_text(json.dumps({"comments": others, "calls": []}), encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    env = dict(os.environ, PATH=f"{fake.parent}{os.pathsep}{os.environ['PATH']}", GH_STATE=str(state),
               GITHUB_REPOSITORY="authority/assessments", PR="7", GH_TOKEN="ghs_test")

    def post(diff: str) -> dict:
        (work / "maturity-diff.md").write_text(diff, encoding="utf-8")
        # as GitHub runs a step without `shell:` (bash -e)
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-c", step["run"]], cwd=work, env=env,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return json.loads(state.read_text(encoding="utf-8"))

    first = post("## 评估变化：第一次\n")
    assert [c["id"] for c in first["comments"]] == [1, 2, 3, 103]
    assert first["comments"][3]["body"] == f"{MARKER}\n## 评估变化：第一次\n"
    second = post("## 评估变化：第二次\n")
    assert [c["id"] for c in second["comments"]] == [1, 2, 3, 103]  # updated, not added
    assert second["comments"][3]["body"] == f"{MARKER}\n## 评估变化：第二次\n"
    assert second["comments"][0]["body"] == f"{MARKER}\n我的旧摘要"
    assert second["calls"][-1] == ["PATCH", "repos/authority/assessments/issues/comments/103"]
    long = post("表" * 70_000)  # longer than a comment may be: cut, with a word on where the rest is
    body = long["comments"][3]["body"]
    assert len(body) < 65_536 and body.endswith("（内容过长，已截断；完整内容见本次运行的作业汇总 job summary）\n")


# --- what the GitLab pipeline promises ---------------------------------------------------------------------
def test_gitlab_pipeline_gate_diff_and_pages():
    ci = load(GITLAB)
    assert ci["variables"]["TZ"] == "CST-8" and ci["variables"]["GIT_DEPTH"] == "0"
    assert "SOURCE_DATE_EPOCH" not in GITLAB.read_text(encoding="utf-8")
    rules = [r["if"] for r in ci["workflow"]["rules"]]
    assert '$CI_PIPELINE_SOURCE == "merge_request_event"' in rules and "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" in rules
    check = ci["check"]
    report = check["artifacts"]["reports"]["codequality"]
    assert f"maturity check --format gitlab > {report}" in check["script"]
    assert check["artifacts"]["when"] == "always"
    assert ci["fmt"]["script"] == ["maturity fmt --check ."]
    diff = ci["diff"]
    assert diff["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert diff["artifacts"]["paths"] == ["maturity-diff.md"] and diff["artifacts"]["expose_as"]
    pages = ci["pages"]
    assert pages["script"] == ["mkdocs build --strict --site-dir public"] and pages["artifacts"]["paths"] == ["public"]
    assert pages["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert pages["stage"] == "publish" and ci["stages"] == ["check", "publish"]  # after every check job passed
    assert pages["interruptible"] is False and pages["resource_group"] == "pages"


class FakeGitLab(BaseHTTPRequestHandler):
    """The notes of merge request 3 of project 42, 100 a page, as GitLab's API serves them."""

    state: dict = {}

    def log_message(self, *args):
        pass

    def _send(self, status: int, body, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, method: str) -> None:
        s = self.state
        url = urlsplit(self.path)
        s["calls"].append((method, url.path))
        if self.headers.get("PRIVATE-TOKEN") != "glpat-test":
            return self._send(401, {"message": "401 Unauthorized"})
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        notes = "/api/v4/projects/42/merge_requests/3/notes"
        if method == "GET" and url.path == "/api/v4/user":
            return self._send(200, {"id": 900, "username": "project_42_bot"})
        if method == "GET" and url.path == notes:
            query = parse_qs(url.query)
            page, per = int(query["page"][0]), int(query["per_page"][0])
            chunk = s["notes"][(page - 1) * per:page * per]
            more = page * per < len(s["notes"])
            return self._send(200, chunk, {"X-Next-Page": str(page + 1) if more else ""})
        if method == "POST" and url.path == notes:
            note = {"id": 5000 + len(s["notes"]), "author": {"id": 900}, "body": body["body"]}
            s["notes"].append(note)
            return self._send(201, note)
        if method == "PUT" and url.path.startswith(notes + "/"):
            note = next(n for n in s["notes"] if str(n["id"]) == url.path.rsplit("/", 1)[1])
            note["body"] = body["body"]
            return self._send(200, note)
        return self._send(404, {"message": "404 Not Found"})

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")


@pytest.fixture
def fake_gitlab():
    FakeGitLab.state = {"notes": [], "calls": []}
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGitLab)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v4", FakeGitLab.state
    server.shutdown()
    server.server_close()


@pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None, reason="git or bash is not installed")
def test_gitlab_diff_job_posts_one_note_and_updates_it(tmp_path, fake_gitlab):
    """The diff job's script, run as GitLab runs it, on a merge request that lowers a score."""
    api, state = fake_gitlab
    root = init_repo(tmp_path / "repo")
    base = git(root, "rev-parse", "HEAD").strip()
    set_score(root, PINGTAI_S, "SS-DM-1-01", "1", "0.8")
    commit(root, "现场评估后调整评分")
    # notes already there: 150 by people (so the bot's note is looked for on page 2 too), one of them with the marker
    state["notes"] = [{"id": i, "author": {"id": 7}, "body": f"{MARKER}\n伪造的摘要" if i == 3 else f"意见 {i}"}
                      for i in range(1, 151)]
    script = "set -eo pipefail\n" + "\n".join(load(GITLAB)["diff"]["script"])
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", CI_API_V4_URL=api,
               CI_MERGE_REQUEST_PROJECT_ID="42", CI_MERGE_REQUEST_IID="3", CI_MERGE_REQUEST_DIFF_BASE_SHA=base,
               MATURITY_NOTE_TOKEN="glpat-test", PYTHONIOENCODING="utf-8", NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
    for name in ("CI_MERGE_REQUEST_TARGET_BRANCH_SHA", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        env.pop(name, None)

    def run() -> subprocess.CompletedProcess:
        proc = subprocess.run(["bash", "-c", script], cwd=root, env=env, capture_output=True, text=True,
                              encoding="utf-8", timeout=180)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc

    first = run()
    assert "merge-request note added" in first.stdout
    ours = [n for n in state["notes"] if n["author"]["id"] == 900]
    assert len(ours) == 1 and ours[0]["body"].startswith(MARKER + "\n## 评估变化：")
    assert "SS-DM-1-01" in ours[0]["body"] and ours[0]["body"][len(MARKER) + 1:] == (root / "maturity-diff.md").read_text(encoding="utf-8")
    set_score(root, PINGTAI_S, "SS-DM-1-02", "1", "0.5")
    commit(root, "再调整一条")
    second = run()
    assert f"merge-request note {ours[0]['id']} updated" in second.stdout
    assert [n for n in state["notes"] if n["author"]["id"] == 900] == ours and "SS-DM-1-02" in ours[0]["body"]
    assert state["notes"][2]["body"] == f"{MARKER}\n伪造的摘要"  # someone else's note with the marker is not ours
    assert ("GET", "/api/v4/projects/42/merge_requests/3/notes") in state["calls"]
    # without the token (a fork's merge request): the diff in the log and the artifact, no note, no failure
    calls = len(state["calls"])
    env.pop("MATURITY_NOTE_TOKEN")
    third = run()
    assert "MATURITY_NOTE_TOKEN is not set" in third.stdout and "SS-DM-1-02" in third.stdout
    assert len(state["calls"]) == calls


# --- the Code Quality report (maturity check/validate --format gitlab) ----------------------------------------
def run_maturity(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "maturity"), *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", env=dict(os.environ, PYTHONIOENCODING="utf-8"), timeout=180)


def test_gitlab_code_quality_report(demo):
    demo.replace(A, "stage: submitted", "stage: planning")  # an error (MAT410)
    demo.replace(S, "    SS-SDM-3-01: {score: 1, evidence: [E024], note:", "    SS-SDM-3-01: {score: 1, note:")  # a warning (MAT206)
    r = run_maturity("check", "--format", "gitlab", cwd=demo.root)
    assert r.returncode == 1
    report = json.loads(r.stdout)  # standard output is the report and nothing else
    for item in report:
        assert set(item) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert item["description"].startswith(item["check_name"] + " ")
        assert item["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert item["location"]["lines"]["begin"] >= 1 and not item["location"]["path"].startswith("/")
    assert len({i["fingerprint"] for i in report}) == len(report)
    by_code = {i["check_name"]: i for i in report}
    assert by_code["MAT410"]["severity"] == "critical" and by_code["MAT410"]["location"] == {
        "path": A, "lines": {"begin": demo.line_of(A, "stage: planning")}}
    assert by_code["MAT206"]["severity"] == "major" and by_code["MAT206"]["location"]["path"] == S
    # the job log: the usual lines and the verdict, on standard error
    assert f"{A}:{demo.line_of(A, 'stage: planning')}:" in r.stderr and "MAT410" in r.stderr
    assert "检查未通过" in r.stderr

    # a finding that only moved keeps its fingerprint (the merge request widget compares by it)
    demo.write(A, "# 评估组补充的说明\n" + demo.read(A))
    moved = {i["check_name"]: i for i in json.loads(run_maturity("validate", ".", "--format", "gitlab", cwd=demo.root).stdout)}
    assert moved["MAT410"]["fingerprint"] == by_code["MAT410"]["fingerprint"]
    assert moved["MAT410"]["location"]["lines"]["begin"] == by_code["MAT410"]["location"]["lines"]["begin"] + 1


def test_gitlab_code_quality_report_is_an_empty_list_when_all_is_well():
    r = run_maturity("validate", ".", "--format", "gitlab", cwd=PROJECT)
    assert r.returncode == 0 and json.loads(r.stdout) == [], r.stdout + r.stderr
