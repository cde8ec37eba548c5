"""Application settings, read from the environment (and `.env`) with pydantic-settings.

The embedded default needs no configuration at all: a SQLite file under `.data/`, jobs run
in-process, and a development secret key generated once and stored in `.data/secret_key`.
Production (`YLADA_ENV=production`) refuses to start without an explicit `SECRET_KEY`.
"""

from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class SettingsError(RuntimeError):
    """The configuration cannot be used (e.g. production without SECRET_KEY)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    ylada_env: str = Field(default="development", description="development | test | production")
    # "json": one JSON object per line (log shippers); "text"; "auto": JSON in production
    log_format: str = "auto"
    log_level: str = "INFO"
    data_dir: Path = PROJECT_ROOT / ".data"
    database_url: str = ""
    redis_url: str = ""
    secret_key: str = ""
    whatsapp_graph_url: str = "https://graph.facebook.com"
    whatsapp_graph_version: str = "v21.0"
    whatsapp_graph_timeout_s: float = 10.0
    # Meta's Embedded Signup ("Continuar com o Facebook"): the platform's Meta app and its
    # Embedded Signup configuration. Without them the connect page offers the manual form only.
    meta_app_id: str = ""
    meta_app_secret: str = ""
    meta_es_config_id: str = ""
    meta_sdk_url: str = "https://connect.facebook.net/en_US/sdk.js"
    # Messages per second per phone number (Meta: 80 by default, up to 1,000 on higher
    # tiers). Each worker process applies it on its own.
    whatsapp_rate_per_s: float = 80.0
    # `make run` without a Meta account: "PHONE_NUMBER_ID:TOKEN" of a number on the local
    # demonstration Graph server; the connect page offers it in one click.
    whatsapp_demo_number: str = ""
    public_base_url: str = "http://localhost:3000"
    # Other sites whose pages may call the backend from a browser (comma-separated origins);
    # our own address, businesses' subdomains and verified domains need no entry.
    cors_extra_origins: str = ""
    # White label: businesses get `<slug>.<BASE_DOMAIN>`; a request's brand comes from its Host.
    # X-Forwarded-Host is believed only when TRUST_FORWARDED_HOST says a proxy sets it.
    base_domain: str = "localhost"
    trust_forwarded_host: bool = False
    # Reverse proxies / load balancers in front of the app that append to X-Forwarded-For.
    # 0: the socket's peer is the client. Set it to the real number behind a proxy, or every
    # client looks like the proxy to login throttling.
    trusted_proxy_hops: int = 0
    # Sessions: absolute lifetime and idle timeout.
    session_days: int = 30
    session_idle_days: int = 7
    # Login throttling (`limits` notation; several windows give growing delays). Failures per
    # (account, address) and per address refuse further tries from there for a while; the
    # account ceiling (all addresses) only slows new devices and tells the owner by e-mail.
    # A known device has its own budget and is never refused for other people's failures.
    login_limit_pair: str = "5/minute;10/15 minutes;30/day"
    # requests per API key (the `limits` library's notation), shared by every app process
    api_rate_limit: str = "600/minute;20000/hour"
    # Outgoing webhooks: requests in flight per receiver, seconds per request, and a factor
    # on the retry schedule (services/webhooks_out.RETRY_S; tests and staging shorten it).
    webhook_concurrency: int = 4
    # Requests the public API serves at once per process; more get 503 + Retry-After at
    # once instead of queueing (api/v1/admission.py).
    api_max_in_flight: int = 16
    webhook_timeout_s: float = 10.0
    webhook_retry_scale: float = 1.0
    login_limit_ip: str = "30/minute;100/hour;500/day"
    login_limit_device: str = "10/15 minutes;50/day"
    # New accounts per client address (a script must not create businesses by the hundred)
    signup_limit_ip: str = "10/hour;30/day"
    login_account_ceiling: int = 20  # failures in 15 minutes, all addresses together
    # Links sent by e-mail.
    verify_email_hours: int = 48
    reset_password_minutes: int = 60
    invite_days: int = 7
    # E-mail. Without SMTP_URL nothing leaves the machine: mails are kept for the local
    # mailbox page (/dev/emails) and printed to the log. smtp://user:pass@host:587
    # (STARTTLS when the server offers it) or smtps://…:465.
    smtp_url: str = ""
    mail_from: str = "ylada <nao-responda@ylada.com.br>"
    smtp_timeout_s: float = 15.0
    # Platform admins must use two-factor authentication (default: in production).
    require_admin_2fa: bool | None = None
    sql_echo: bool = False
    # Billing. Without a Stripe key the billing page shows plans but cannot take payments.
    stripe_secret_key: str = ""
    stripe_webhook_secret: str = ""
    stripe_api_base: str = ""  # a Stripe-compatible local server (tests, demos)
    # Asaas (Pix, boleto and card subscriptions for Brazilian customers). The webhook token
    # is the one set on the Asaas webhook; the base is the sandbox or a local fake in tests.
    asaas_api_key: str = ""
    asaas_webhook_token: str = ""
    asaas_api_base: str = "https://api.asaas.com/v3"
    # Mercado Pago (card subscriptions via preapproval); the secret signs `x-signature`.
    mercadopago_access_token: str = ""
    mercadopago_webhook_secret: str = ""
    mercadopago_api_base: str = "https://api.mercadopago.com"
    # Days a past-due Asaas subscription keeps its plan after the unpaid charge's due date.
    billing_grace_days: int = 7
    # What happens when a trial ends without a paid plan: "free" (stay on the free plan's
    # limits) or "blocked" (the bot stops and the tenant must subscribe).
    trial_end_state: str = "free"
    # AI assistant platform defaults (any OpenAI-compatible endpoint); an instance may
    # override base URL, model and API key in its own AI settings.
    ai_base_url: str = ""
    ai_api_key: str = ""
    ai_model: str = "gpt-4o-mini"
    ai_embedding_model: str = ""  # empty: no embedding re-rank
    ai_timeout_s: float = 20.0
    ai_max_retries: int = 1
    # `make run` without an AI key: the platform endpoint is the project's demonstration
    # server (answers quote the items retrieval found; no language model), and pages say so.
    ai_demo: bool = False
    # Anthropic (messages API, the official `anthropic` package), chosen per instance; the
    # same timeout and retries as above. Empty base URL: Anthropic's own API.
    anthropic_base_url: str = ""
    anthropic_api_key: str = ""
    anthropic_model: str = "claude-haiku-4-5"
    anthropic_demo: bool = False  # `make run`: the demonstration server stands in for it

    @model_validator(mode="after")
    def _defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'ylada.db'}"
        if not self.secret_key:
            if self.is_production:
                raise SettingsError(
                    "SECRET_KEY is required in production (YLADA_ENV=production). "
                    "Generate one with: "
                    "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
                )
            self.secret_key = _dev_secret_key(self.data_dir)
        elif len(self.secret_key) < 32:
            raise SettingsError("SECRET_KEY must have at least 32 characters.")
        return self

    @property
    def admin_2fa_required(self) -> bool:
        return self.is_production if self.require_admin_2fa is None else self.require_admin_2fa

    @property
    def secure_cookies(self) -> bool:
        """Cookies carry `Secure` whenever the app is served over https."""
        return self.public_base_url.lower().startswith("https://")

    @property
    def is_production(self) -> bool:
        return self.ylada_env.lower() in {"production", "prod"}

    @property
    def jobs_in_process(self) -> bool:
        """Without Redis, background jobs run inside the app process (embedded default)."""
        return not self.redis_url


def _dev_secret_key(data_dir: Path) -> str:
    """Create (once) and return a random development key kept beside the SQLite file."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    if path.exists():
        key = path.read_text().strip()
        if len(key) >= 32:
            return key
    key = secrets.token_urlsafe(48)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    os.replace(tmp, path)
    return key


_cache_lock = threading.Lock()
_cached: Settings | None = None
_generation = 0


def get_settings() -> Settings:
    """The settings, read once. A read that overlaps a reset is not kept: otherwise a thread
    that started reading before the environment changed could cache the old values."""
    global _cached
    settings = _cached
    if settings is not None:
        return settings
    generation = _generation
    settings = Settings()
    with _cache_lock:
        if generation == _generation:
            _cached = settings
    return settings


def reset_settings_cache() -> None:
    """Forget cached settings (tests change the environment)."""
    global _cached, _generation
    with _cache_lock:
        _generation += 1
        _cached = None
