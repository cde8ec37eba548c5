"""End-to-end fixtures: the real app (`reflex run --env prod`) on a fresh database, driven by
Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import _TMP, new_database_url
from tests.e2e import helpers

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"],
    }


@pytest.fixture(scope="session")
def browser_context_args():
    return {"viewport": {"width": 1280, "height": 800}, "locale": "pt-BR"}


@pytest.fixture(scope="session")
def e2e_stripe():
    """The fake Stripe the app pays through; it delivers signed webhooks to the app."""
    from ylada_app.testing.fake_stripe import FakeStripe

    fake = FakeStripe(webhook_secret="whsec_e2e_ylada").start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def e2e_asaas():
    """The fake Asaas (Pix, boleto); it posts its webhooks to the app."""
    from ylada_app.testing.fake_asaas import FakeAsaas

    fake = FakeAsaas(webhook_token="asaas_e2e_token").start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def e2e_database_url() -> str:
    """The e2e app's own database (tests may prepare data in it through the services)."""
    from ylada_app.cli import migrate

    url = new_database_url("ylada_e2e")
    migrate(url)
    return url


@pytest.fixture
def e2e_db(e2e_database_url):
    """A session on the e2e app's database."""
    from sqlmodel import Session

    from ylada_app.core.db import get_engine

    with Session(get_engine(e2e_database_url), expire_on_commit=False) as session:
        yield session


@pytest.fixture(scope="session")
def app_server(fake_graph, e2e_stripe, e2e_asaas, fake_openai_server, smtp_server,
               e2e_database_url):
    """Start the whole app once per session; yields its base URL."""
    url = e2e_database_url
    port = _free_port()
    base = f"http://localhost:{port}"
    e2e_stripe.webhook_url = f"{base}/webhooks/stripe"
    e2e_asaas.webhook_url = f"{base}/webhooks/asaas"
    fake_graph.app_id, fake_graph.app_secret = "e2e-meta-app", "e2e-meta-app-secret"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DATA_DIR": str(_TMP / "e2e"),
        "WHATSAPP_GRAPH_URL": fake_graph.base_url,
        "META_APP_ID": "e2e-meta-app",
        "META_APP_SECRET": "e2e-meta-app-secret",
        "META_ES_CONFIG_ID": "e2e-config",
        "AI_BASE_URL": fake_openai_server.base_url + "/v1",
        "AI_API_KEY": "sk-e2e-platform",
        "PUBLIC_BASE_URL": base,
        "REFLEX_API_URL": base,
        "SMTP_URL": smtp_server.url,
        "MAIL_FROM": "ylada <nao-responda@ylada.test>",
        "STRIPE_SECRET_KEY": "sk_test_e2e",
        "STRIPE_WEBHOOK_SECRET": e2e_stripe.webhook_secret,
        "STRIPE_API_BASE": e2e_stripe.base_url,
        "ASAAS_API_KEY": "$aact_e2e",
        "ASAAS_WEBHOOK_TOKEN": e2e_asaas.webhook_token,
        "ASAAS_API_BASE": e2e_asaas.api_base,
        "PYTHONUNBUFFERED": "1",
        "SIGNUP_LIMIT_IP": "10000/minute",  # every browser test signs up from loopback
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    helpers.MAILBOX = smtp_server
    subprocess.run([sys.executable, "-m", "ylada_app.cli", "seed", "--demo"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    log = open(_TMP / "e2e-app.log", "w")  # noqa: SIM115 - closed at teardown
    reflex = str(Path(sys.executable).parent / "reflex")
    proc = subprocess.Popen(
        [reflex, "run", "--env", "prod", "--frontend-port", str(port), "--backend-port",
         str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.time() + 600
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError("app exited:\n" + (_TMP / "e2e-app.log").read_text()[-4000:])
            try:
                if (httpx.get(f"{base}/healthz", timeout=2).status_code == 200
                        and httpx.get(f"{base}/login", timeout=5,
                                      follow_redirects=True).status_code == 200):
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        else:
            raise RuntimeError("app did not start:\n" + (_TMP / "e2e-app.log").read_text()[-4000:])
        yield base
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


# Screens the user guide (ylada_app/help/*.md) shows: each run of the browser tests takes
# them again into assets/help/, so the guide never shows an older screen than the app's.
HELP_SHOTS = {"onboarding-1-dashboard-checklist", "onboarding-4-first-answer", "editor-built",
              "marketplace-grid", "ai-knowledge", "connect-embedded-done", "number-health",
              "billing-after-checkout", "broadcast-done"}
HELP_PICTURES = ROOT / "assets" / "help"


@pytest.fixture
def shot(page):
    """`shot("name")` saves a full-page screenshot under screenshots/ for a human to look at
    (and, for the guide's screens, the visible part as a small JPEG under assets/help/)."""
    SHOTS.mkdir(exist_ok=True)

    def take(name: str) -> None:
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        if name in HELP_SHOTS:
            HELP_PICTURES.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(HELP_PICTURES / f"{name}.jpg"), type="jpeg", quality=70)

    return take
