"""The README's first command on a fresh machine: `make run` from a clean copy of the project.

A newcomer types `make run` before anything else, without the test extras; once it crashed
there (a runtime dependency only the test extras pulled in) while every other test passed.
So this test copies the project's files (tracked and new, nothing ignored: no `.venv`,
`.tools`, `.web` or `.data`) into an empty folder, strips this test run's settings from the
environment, and runs `make run` exactly as written. It then checks, on the plain install
that command built:

- the venv has none of the test extras, and every module of `ylada_app` and `workers` imports;
- `ylada migrate` + `ylada seed --demo` work on a new SQLite file, and the production webhook
  node (`uvicorn ylada_app.api:app`) answers `/healthz`;
- the app answers `/` and `/healthz`, and the demo owner logs in in Chromium and sees the
  dashboard;
- stopping it stops everything it started.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tarfile
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ROOT, SHOTS, _free_port
from tests.e2e.helpers import open_public

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

START_TIMEOUT_S = 900  # a cold pip + bun install and the first frontend build


def _project_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True,
    ).stdout.decode()
    return [f for f in out.split("\0") if f and (ROOT / f).is_file()]


def _newcomer_env(port: int) -> dict[str, str]:
    """This machine's environment without anything the test run (or its venv) set up."""
    from ylada_app.core.settings import Settings

    app_settings = {name.upper() for name in Settings.model_fields}
    ours = (str(ROOT / ".venv"), str(ROOT / ".tools"))
    env = {
        k: v for k, v in os.environ.items()
        if k not in app_settings
        and not k.startswith(("TEST_", "PYTEST", "REFLEX_", "BUN_", "VIRTUAL_ENV"))
    }
    env["PATH"] = os.pathsep.join(
        p for p in os.environ.get("PATH", "").split(os.pathsep) if not p.startswith(ours))
    env["PORT"] = str(port)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _wait_until_up(proc: subprocess.Popen, base: str, log: Path) -> None:
    deadline = time.time() + START_TIMEOUT_S
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"`make run` exited with {proc.returncode}:\n"
                                 + log.read_text()[-6000:])
        try:
            if (httpx.get(f"{base}/healthz", timeout=3).status_code == 200
                    and httpx.get(f"{base}/", timeout=5).status_code == 200):
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise AssertionError("`make run` did not answer in time:\n" + log.read_text()[-6000:])


@pytest.fixture(scope="module")
def fresh_copy(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("fresh-clone") / "ylada"
    dest.mkdir()
    archive = dest.parent / "files.tar"
    with tarfile.open(archive, "w") as tar:
        for name in _project_files():
            tar.add(ROOT / name, arcname=name)
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="tar")
    archive.unlink()
    assert not (dest / ".venv").exists() and not (dest / ".tools").exists()
    yield dest
    shutil.rmtree(dest, ignore_errors=True)


@pytest.fixture(scope="module")
def make_run(fresh_copy):
    """`make run` in the fresh copy; yields (base URL, copy, log path, process)."""
    port = _free_port()
    base = f"http://localhost:{port}"
    log = fresh_copy.parent / "make-run.log"
    started = time.time()
    with open(log, "w") as out:
        proc = subprocess.Popen(["make", "run"], cwd=fresh_copy, env=_newcomer_env(port),
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_until_up(proc, base, log)
        print(f"\n[fresh install] `make run` answered after {time.time() - started:.0f} s")
        yield base, fresh_copy, log, proc
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _venv_run(copy: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300):
    return subprocess.run([str(copy / ".venv" / "bin" / args[0]), *args[1:]], cwd=copy,
                          env=env, capture_output=True, text=True, timeout=timeout)


IMPORT_EVERY_MODULE = r'''
import importlib, pkgutil, sys
failed = []
count = 0
for root in ("ylada_app", "workers"):
    pkg = importlib.import_module(root)
    for info in pkgutil.walk_packages(pkg.__path__, root + "."):
        try:
            importlib.import_module(info.name)
            count += 1
        except Exception as exc:  # report them all, not just the first
            failed.append(f"{info.name}: {type(exc).__name__}: {exc}")
print("IMPORTED", count)
print("\n".join(failed))
sys.exit(1 if failed else 0)
'''


def test_make_run_prints_the_url_and_demo_logins(make_run):
    base, _copy, log, _proc = make_run
    text = log.read_text()
    assert f"URL:            {base}" in text
    assert "demo@ylada.com.br / ylada-demo-2026" in text
    assert "admin@ylada.com.br / ylada-demo-2026" in text


def test_plain_install_imports_every_module(make_run):
    _base, copy, _log, _proc = make_run
    extras = _venv_run(copy, "python", "-m", "pip", "show", "-q", "playwright", "pytest")
    assert extras.returncode != 0, "the venv `make run` built has test extras installed"
    env = _newcomer_env(0)
    env["DATA_DIR"] = str(copy.parent / "imports-data")
    res = _venv_run(copy, "python", "-c", IMPORT_EVERY_MODULE, env=env)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-4000:]
    assert int(res.stdout.split("IMPORTED", 1)[1].split()[0]) > 100


def test_plain_install_migrates_seeds_and_serves_the_api(make_run, tmp_path):
    _base, copy, _log, _proc = make_run
    env = _newcomer_env(0)
    env.pop("PORT")
    env["DATA_DIR"] = str(tmp_path)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'plain.db'}"
    for cmd in (("ylada", "migrate"), ("ylada", "seed", "--demo")):
        res = _venv_run(copy, *cmd, env=env)
        assert res.returncode == 0, f"{cmd}: {res.stdout[-2000:]}{res.stderr[-3000:]}"
    assert "demo@ylada.com.br" in res.stdout

    port = _free_port()
    api_log = tmp_path / "api.log"
    with open(api_log, "w") as out:
        api = subprocess.Popen(
            [str(copy / ".venv/bin/uvicorn"), "ylada_app.api:app", "--host", "127.0.0.1",
             "--port", str(port)], cwd=copy, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        deadline = time.time() + 60
        body = None
        while time.time() < deadline and api.poll() is None:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                body = (r.status_code, r.json())
                break
            except httpx.HTTPError:
                time.sleep(0.3)
        assert body is not None, "the API did not answer:\n" + api_log.read_text()[-4000:]
        assert body == (200, {"status": "ok", "database": "ok", "redis": "not_configured"})
    finally:
        _stop(api)


def test_demo_owner_logs_in_and_sees_the_dashboard(make_run, page: Page):
    base, _copy, _log, _proc = make_run
    open_public(page, f"{base}/login")
    page.fill("#field-email", "demo@ylada.com.br")
    page.fill("#field-password", "ylada-demo-2026")
    page.click("#login-submit")
    page.wait_for_url(re.compile(r".*/dashboard/?$"), timeout=60_000)
    expect(page.locator("#dashboard-tenant")).to_have_text("Distribuidora Demo",
                                                           timeout=30_000)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "fresh-install-dashboard.png"), full_page=True)


def test_the_ai_page_answers_out_of_the_box_with_the_labelled_demo(make_run, page: Page):
    """No AI key on a fresh machine: `make run` starts the demonstration endpoint, the AI
    page says so, the console answers from the catalog, and search forgives typos."""
    base, _copy, log, _proc = make_run
    assert "IA de demonstração" in log.read_text()
    open_public(page, f"{base}/login")
    page.fill("#field-email", "demo@ylada.com.br")
    page.fill("#field-password", "ylada-demo-2026")
    page.click("#login-submit")
    page.wait_for_url(re.compile(r".*/dashboard/?$"), timeout=60_000)
    page.goto(f"{base}/ai")
    expect(page.locator("#ai-demo-note")).to_be_visible(timeout=30_000)
    page.fill("#kb-search", "fejao")  # no accent, a letter missing
    page.click("#kb-search-go")
    expect(page.locator(".knowledge-row").first).to_contain_text("Feijão")
    page.fill("#kb-search", "xilofone")
    page.click("#kb-search-go")
    expect(page.locator("#kb-empty")).to_contain_text("Nenhum item encontrado")
    page.click("#tab-console")
    page.fill("#console-question", "quanto custa o arroz camil 5kg?")
    page.click("#console-ask")
    expect(page.locator("#console-answer")).to_contain_text("27,90", timeout=30_000)
    expect(page.locator("#console-items .used-item").first).to_contain_text("Arroz")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "fresh-install-ai-demo.png"), full_page=True)


def test_a_newcomer_signs_up_and_follows_the_link_in_the_local_mailbox(make_run, page: Page):
    """Without SMTP, `make run` keeps e-mails on a local page: the verification link works."""
    base, _copy, log, _proc = make_run
    assert "/dev/emails" in log.read_text()
    open_public(page, f"{base}/signup")
    page.fill("#field-name", "Nova Pessoa")
    page.fill("#field-email", "nova@exemplo.com.br")
    page.fill("#field-password", "Senha-forte-123")
    page.fill("#field-tenant_name", "Loja Nova")
    page.click("#field-accept_dpa")
    page.click("#signup-submit")
    expect(page.locator("#check-email")).to_be_visible(timeout=30_000)
    page.click("#open-mailbox")
    mail = page.locator(".mail-item", has_text="nova@exemplo.com.br")
    for _ in range(20):  # the send job runs in the app process, right after the sign-up
        if mail.count():
            break
        page.click("#mailbox-refresh")
        page.wait_for_timeout(500)
    mail.locator(".mail-link").first.click()
    page.wait_for_url(re.compile(r".*/dashboard/?$"), timeout=60_000)
    expect(page.locator("#dashboard-tenant")).to_have_text("Loja Nova", timeout=30_000)


def test_the_demo_number_keeps_its_token_for_the_next_run(make_run):
    """The database stores the demonstration number's token: a second `make run` must start
    the demonstration Graph with the same one (once it drew a new token each time, and a
    number connected in the first run answered nothing but "access expired" after that)."""
    import psutil

    _base, copy, _log, _proc = make_run
    kept = copy / ".data" / "demo-whatsapp-token"
    token = kept.read_text().strip()
    assert len(token) >= 16 and kept.stat().st_mode & 0o077 == 0  # the owner's only
    graphs = [" ".join(p.info["cmdline"] or []) for p in psutil.process_iter(["cwd", "cmdline"])
              if (p.info.get("cwd") or "").startswith(str(copy))
              and "fake_graph" in " ".join(p.info.get("cmdline") or [])]
    assert graphs and all(f"demo-whatsapp-token-{token}:" in g for g in graphs)


def test_stopping_make_run_stops_everything_it_started(make_run):
    import psutil

    base, copy, _log, proc = make_run
    _stop(proc)
    assert proc.returncode is not None
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{base}/healthz", timeout=3)

    def left_running() -> list[str]:
        found = []
        for p in psutil.process_iter(["cwd", "cmdline"]):
            cwd = p.info.get("cwd") or ""
            if cwd.startswith(str(copy)):
                found.append(" ".join(p.info.get("cmdline") or []))
        return found

    deadline = time.time() + 15
    while left_running() and time.time() < deadline:
        time.sleep(0.5)
    assert left_running() == []
