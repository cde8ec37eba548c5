"""The Node SDK (`sdks/node`, TypeScript) against the live API: its own `bun test` suite,
given a business, keys (and another business's), approved and pending templates for its
broadcasts and a real signed webhook delivery; and its sources typecheck."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
from datetime import UTC, datetime

import pytest

from tests.sdk.conftest import ROOT, add_template, other_business_key
from ylada_app.services import contacts, webhooks_out
from ylada_app.testing.webhook_receiver import WebhookReceiver

NODE = ROOT / "sdks" / "node"


def _bun() -> str:
    found = shutil.which("bun") or str(ROOT / ".tools" / "bin" / "bun")
    if not os.path.exists(found):
        pytest.skip("bun is not installed (make setup installs it)")
    return found


def _sample_delivery(db, shop) -> tuple[str, dict]:
    receiver = WebhookReceiver()
    receiver.start()
    try:
        _, secret = webhooks_out.create_endpoint(db, tenant_id=shop.tenant_id,
                                                 url=receiver.url, events=["contact.created"])
        db.commit()
        contacts.upsert_contact(db, tenant_id=shop.tenant_id, instance_id=shop.instance_id,
                                phone="11955553333", name="Carla")
        db.commit()
        deadline = time.time() + 15
        while not receiver.requests and time.time() < deadline:
            time.sleep(0.05)
        req = receiver.requests[0]
        return secret, {"body": req["body"], "headers": {
            k: v for k, v in req["headers"].items() if k.startswith("webhook-")}}
    finally:
        receiver.stop()


def test_the_node_sdk_suite_passes_against_the_live_api(live_api, shop, db):
    bun = _bun()
    secret, sample = _sample_delivery(db, shop)
    add_template(db, shop, "oferta_node")
    add_template(db, shop, "em_analise", status="PENDING")
    env = {**os.environ, "YLADA_BASE_URL": live_api, "YLADA_API_KEY": shop.write_key,
           "YLADA_READ_KEY": shop.read_key, "YLADA_INSTANCE_ID": str(shop.instance_id),
           "YLADA_CONTACT_ID": str(shop.contact_id), "YLADA_WEBHOOK_SECRET": secret,
           "YLADA_WEBHOOK_SAMPLE": json.dumps(sample),
           "YLADA_OTHER_KEY": other_business_key(db)}
    # bun's 5 s per test is too short on a busy CI machine (75 upserts, then pages)
    done = subprocess.run([bun, "test", "--timeout=60000"], cwd=NODE, env=env,
                          capture_output=True, text=True, timeout=300)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert " 0 fail" in out and " 8 pass" in out, out


def test_the_node_sdk_typechecks():
    bun = _bun()
    if not (NODE / "node_modules" / ".bin" / "tsc").exists():
        subprocess.run([bun, "install", "--frozen-lockfile"], cwd=NODE, check=True,
                       capture_output=True, timeout=300)
    done = subprocess.run([str(NODE / "node_modules" / ".bin" / "tsc"), "--noEmit", "-p", "."],
                          cwd=NODE, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_built_package_runs_on_plain_node(tmp_path):
    """What `npm pack` ships (dist/, built by tsc) imports in plain Node — no TypeScript
    loader — and verifies a delivery signed the Standard Webhooks way."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    tsc = NODE / "node_modules" / ".bin" / "tsc"
    if not tsc.exists():
        subprocess.run([_bun(), "install", "--frozen-lockfile"], cwd=NODE, check=True,
                       capture_output=True, timeout=300)
    out = tmp_path / "dist"
    done = subprocess.run([str(tsc), "-p", "tsconfig.build.json", "--outDir", str(out)],
                          cwd=NODE, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (out / "index.js").exists() and (out / "index.d.ts").exists()
    from standardwebhooks import Webhook

    secret = "whsec_" + base64.b64encode(b"k" * 24).decode()
    body = json.dumps({"type": "contact.created", "data": {"id": 7}})
    now = datetime.now(UTC)
    headers = {"webhook-id": "evt_1", "webhook-timestamp": str(int(now.timestamp())),
               "webhook-signature": Webhook(secret).sign("evt_1", now, body)}
    script = (f"import {{ Ylada, verifyWebhook }} from {json.dumps(str(out / 'index.js'))};"
              f"const ev = await verifyWebhook({json.dumps(secret)}, {json.dumps(body)},"
              f" {json.dumps(headers)});"
              "let bad = 'accepted';"
              f"try {{ await verifyWebhook({json.dumps(secret)}, {json.dumps(body + ' ')},"
              f" {json.dumps(headers)}); }} catch (e) {{ bad = e.name; }}"
              "console.log(typeof Ylada, ev.type, bad);")
    ran = subprocess.run([node, "--input-type=module", "-e", script], capture_output=True,
                         text=True, timeout=60)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert ran.stdout.split() == ["function", "contact.created", "WebhookVerificationError"]
