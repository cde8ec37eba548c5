"""White label: a business's own brand (name, logo, colour, texts) and addresses.

Rules kept here, not in pages:
- Only owners of a business whose plan has `white_label` change its brand (pages check the
  role; `require_white_label` checks the plan). Every function takes the tenant keyword-only
  and touches only that tenant's row.
- Logos are decoded and re-encoded with Pillow (PNG out, resized, no metadata): the bytes
  served are never the bytes uploaded, so a polyglot (a PNG with a script appended, an SVG
  posing as an image) cannot come back out. SVG is refused outright.
- A request's brand comes from its host, validated; an unknown host, an unverified custom
  domain or a business whose plan lost white label gets the platform brand, never another
  business's. One cached lookup per host (a few seconds; saving a brand clears it here).
- A custom domain is proven with a DNS TXT record; a domain verified by one business can
  never be claimed by another.
"""

from __future__ import annotations

import io
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from ylada_app.core.settings import get_settings
from ylada_app.models import Brand, Tenant, utcnow
from ylada_app.models.brand import DomainStatus
from ylada_app.services.entitlements import limits_for
from ylada_app.services.errors import Conflict, FieldErrors, Forbidden, ServiceError

PLATFORM_NAME = "ylada"
PLATFORM_COLOR = "#128C7E"
MAX_UPLOAD_BYTES = 1024 * 1024
MAX_SOURCE_PIXELS = 4096 * 4096  # larger pictures are refused before decoding (bombs)
LOGO_BOX = (512, 512)
FAVICON_SIZE = 64
MIN_CONTRAST = 4.5  # WCAG AA for normal text: white text on the brand colour
TXT_PREFIX = "_ylada-verify"
TXT_VALUE_PREFIX = "ylada-verify="

RESERVED_SUBDOMAINS = frozenset({
    "www", "api", "admin", "app", "mail", "smtp", "imap", "pop", "ftp", "webmail", "static",
    "assets", "cdn", "docs", "help", "status", "billing", "login", "auth", "dashboard",
    "ylada", "root", "ns1", "ns2", "mx", "support", "suporte", "blog", "dev", "staging",
    "test", "localhost", "webhooks", "_dmarc",
})
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,30})[a-z0-9]$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[a-z0-9.-]+\.[a-z]{2,}$")
_PHONE = re.compile(r"^\+?[0-9]{10,15}$")


# --- the brand as pages see it ------------------------------------------------------------

@dataclass(frozen=True)
class BrandView:
    """What a page needs to draw a brand (no bytes, no ids a visitor could use)."""

    tenant_id: int | None  # None: the platform's own brand
    name: str
    color: str
    headline: str = ""
    logo_url: str = ""
    favicon_url: str = ""
    hide_platform_name: bool = False
    support_email: str = ""
    support_whatsapp: str = ""
    css_vars: dict[str, str] = field(default_factory=dict)

    @property
    def is_platform(self) -> bool:
        return self.tenant_id is None


PLATFORM_BRAND = BrandView(None, PLATFORM_NAME, PLATFORM_COLOR)


def _view(row: Brand, tenant_name: str) -> BrandView:
    color = row.primary_color or PLATFORM_COLOR
    logo = favicon = ""
    if row.logo_png:
        logo = f"/brand/{row.id}/logo-{row.image_version}.png"
        favicon = f"/brand/{row.id}/favicon-{row.image_version}.png"
    return BrandView(row.tenant_id, row.display_name or tenant_name, color, row.login_headline,
                     logo, favicon, row.hide_platform_name, row.support_email,
                     row.support_whatsapp, accent_vars(color))


# --- colours ------------------------------------------------------------------------------

def normalize_color(value: str) -> str:
    m = _HEX.match((value or "").strip())
    if not m:
        raise ValueError(value)
    digits = m.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits.upper()


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _luminance(color: str) -> float:
    def chan(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = _rgb(color)
    return 0.2126 * chan(r) + 0.7152 * chan(g) + 0.0722 * chan(b)


def contrast_with_white(color: str) -> float:
    return 1.05 / (_luminance(color) + 0.05)


def _mix(color: str, other: tuple[int, int, int], amount: float) -> str:
    r, g, b = _rgb(color)
    mixed = (round(c + (o - c) * amount) for c, o in zip((r, g, b), other, strict=True))
    return "#" + "".join(f"{c:02X}" for c in mixed)


def accent_vars(color: str) -> dict[str, str]:
    """Radix theme accent (and the jade scale the shell uses) bent to the brand colour: set
    as CSS variables on the page's root box, every accent-coloured element follows."""
    white, black = (255, 255, 255), (0, 0, 0)
    scale = {1: _mix(color, white, 0.97), 2: _mix(color, white, 0.94),
             3: _mix(color, white, 0.88), 4: _mix(color, white, 0.80),
             5: _mix(color, white, 0.72), 6: _mix(color, white, 0.62),
             7: _mix(color, white, 0.50), 8: _mix(color, white, 0.30), 9: color,
             10: _mix(color, black, 0.12), 11: _mix(color, black, 0.25),
             12: _mix(color, black, 0.55)}
    out: dict[str, str] = {}
    for step, value in scale.items():
        for prefix in ("--accent-", "--jade-", "--accent-a", "--jade-a"):
            out[f"{prefix}{step}"] = value
    out["--accent-contrast"] = "white"
    out["--accent-indicator"] = color  # checkboxes, radios, switches
    out["--accent-track"] = color
    out["--accent-surface"] = scale[2]
    out["--focus-8"] = color
    return out


# --- settings -----------------------------------------------------------------------------

def require_white_label(session: Session, *, tenant_id: int) -> None:
    if not limits_for(session, tenant_id=tenant_id).white_label:
        raise Forbidden("brand.err.plan")


def get_brand(session: Session, *, tenant_id: int) -> Brand | None:
    return session.exec(select(Brand).where(Brand.tenant_id == tenant_id)).first()


def validate_settings(data: dict[str, Any]) -> dict[str, Any]:
    """The form's values, cleaned; FieldErrors (pt-BR keys) when any is wrong. Pure, so the
    page's live preview and the save use the same rules."""
    errors: dict[str, str] = {}
    params: dict[str, dict[str, object]] = {}
    out: dict[str, Any] = {}
    name = " ".join(str(data.get("display_name") or "").split())
    if not name:
        errors["display_name"] = "brand.err.name_required"
    elif len(name) > 60:
        errors["display_name"] = "brand.err.name_long"
    out["display_name"] = name
    raw_color = str(data.get("primary_color") or "").strip()
    out["primary_color"] = ""
    if raw_color:
        try:
            color = normalize_color(raw_color)
        except ValueError:
            errors["primary_color"] = "brand.err.color_format"
        else:
            ratio = contrast_with_white(color)
            if ratio < MIN_CONTRAST:
                errors["primary_color"] = "brand.err.color_contrast"
                params["primary_color"] = {"ratio": f"{ratio:.1f}".replace(".", ",")}
            out["primary_color"] = color
    headline = " ".join(str(data.get("login_headline") or "").split())
    if len(headline) > 120:
        errors["login_headline"] = "brand.err.headline_long"
    out["login_headline"] = headline
    email = str(data.get("support_email") or "").strip().lower()
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        errors["support_email"] = "brand.err.email"
    out["support_email"] = email
    phone = re.sub(r"[\s().-]", "", str(data.get("support_whatsapp") or ""))
    if phone and not _PHONE.match(phone):
        errors["support_whatsapp"] = "brand.err.whatsapp"
    elif phone and not phone.startswith("+"):
        phone = "+" + (phone if phone.startswith("55") else "55" + phone)
    out["support_whatsapp"] = phone
    out["hide_platform_name"] = str(data.get("hide_platform_name") or "").lower() in {
        "1", "true", "on", "yes", "sim"}
    if errors:
        raise FieldErrors(errors, params)
    return out


def _row_for_update(session: Session, tenant_id: int) -> Brand:
    row = get_brand(session, tenant_id=tenant_id)
    if row is None:
        row = Brand(tenant_id=tenant_id)
        session.add(row)
    return row


def save_settings(session: Session, *, tenant_id: int, data: dict[str, Any]) -> Brand:
    require_white_label(session, tenant_id=tenant_id)
    clean = validate_settings(data)
    row = _row_for_update(session, tenant_id)
    for key, value in clean.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    session.flush()
    forget_cache()
    return row


# --- images -------------------------------------------------------------------------------

class ImageRefused(ServiceError):
    """An upload that is not a usable PNG/JPEG/WebP picture."""

    status = 422


def _looks_like_markup(data: bytes) -> bool:
    """SVG/XML/HTML (told apart only to say "SVG is not accepted"; Pillow refuses them anyway)."""
    head = data[:512].lstrip(b" \t\r\n\xef\xbb\xbf").lower()
    return head.startswith(b"<")


def reencode_logo(data: bytes) -> tuple[bytes, bytes]:
    """(logo PNG, favicon PNG) made from the upload's pixels only: decoded, bounded,
    converted to RGBA, resized, written afresh. Anything else in the file is dropped."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageRefused("brand.err.image_big", field="logo")
    if not data:
        raise ImageRefused("brand.err.image_type", field="logo")
    if _looks_like_markup(data):
        raise ImageRefused("brand.err.image_svg", field="logo")
    try:
        with Image.open(io.BytesIO(data), formats=["PNG", "JPEG", "WEBP"]) as src:
            width, height = src.size
            if width * height > MAX_SOURCE_PIXELS or width < 16 or height < 16:
                raise ImageRefused("brand.err.image_size", field="logo")
            src.load()
            frame = src.convert("RGBA")
    except ImageRefused:
        raise
    except Image.DecompressionBombError:
        raise ImageRefused("brand.err.image_size", field="logo") from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise ImageRefused("brand.err.image_type", field="logo") from None
    logo = frame.copy()
    logo.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
    side = max(frame.size)
    square = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    square.paste(frame, ((side - frame.width) // 2, (side - frame.height) // 2))
    favicon = square.resize((FAVICON_SIZE, FAVICON_SIZE), Image.Resampling.LANCZOS)
    return _png(logo), _png(favicon)


def _png(image: Any) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)  # no text chunks, no EXIF: pixels only
    return buf.getvalue()


def set_logo(session: Session, *, tenant_id: int, data: bytes) -> Brand:
    require_white_label(session, tenant_id=tenant_id)
    logo, favicon = reencode_logo(data)
    row = _row_for_update(session, tenant_id)
    row.logo_png, row.favicon_png = logo, favicon
    row.image_version += 1
    row.updated_at = utcnow()
    session.flush()
    forget_cache()
    return row


def remove_logo(session: Session, *, tenant_id: int) -> None:
    row = get_brand(session, tenant_id=tenant_id)
    if row is not None and row.logo_png:
        row.logo_png = row.favicon_png = None
        row.image_version += 1
        session.flush()
        forget_cache()


def image_bytes(session: Session, *, brand_id: int, kind: str, version: int) -> bytes | None:
    """The re-encoded PNG behind a public URL (logos are public: login pages show them).
    A stale version answers nothing, so an old URL never shows a newer picture's cache."""
    row = session.get(Brand, brand_id)
    if row is None or row.image_version != version:
        return None
    return row.logo_png if kind == "logo" else row.favicon_png if kind == "favicon" else None


# --- addresses ----------------------------------------------------------------------------

def normalize_host(raw: str | None) -> str | None:
    """A Host header's name, lower-cased, without port or final dot; None when it is not a
    plain DNS name or IP (anything odd is treated as unknown, never echoed anywhere)."""
    if not raw:
        return None
    host = raw.strip().lower()
    if len(host) > 260 or any(c in host for c in "/\\@?#% \t,;\"'<>"):
        return None
    if host.startswith("["):
        return None  # IPv6 literal: never a brand's address
    if host.count(":") == 1:
        host, port = host.split(":")
        if not port.isdigit():
            return None
    host = host.rstrip(".")
    labels = host.split(".")
    if not host or len(host) > 253 or not all(_LABEL.match(lb) for lb in labels):
        return None
    return host


def request_host(host_header: str | None, forwarded_host: str | None = None) -> str | None:
    """The host a request was addressed to. X-Forwarded-Host is believed only when the
    TRUST_FORWARDED_HOST setting says a proxy in front sets it (else anyone could pick a
    brand, or poison a shared cache, by sending one)."""
    if forwarded_host and get_settings().trust_forwarded_host:
        return normalize_host(forwarded_host.split(",")[0])
    return normalize_host(host_header)


def base_domain() -> str:
    return normalize_host(get_settings().base_domain) or "localhost"


def set_subdomain(session: Session, *, tenant_id: int, subdomain: str) -> Brand:
    require_white_label(session, tenant_id=tenant_id)
    slug = (subdomain or "").strip().lower()
    row = _row_for_update(session, tenant_id)
    if not slug:
        row.subdomain = None
    else:
        if not _SLUG.match(slug) or "--" in slug:
            raise FieldErrors({"subdomain": "brand.err.subdomain_format"})
        if slug in RESERVED_SUBDOMAINS:
            raise FieldErrors({"subdomain": "brand.err.subdomain_reserved"})
        taken = session.exec(select(Brand.id).where(Brand.subdomain == slug,
                                                    Brand.tenant_id != tenant_id)).first()
        if taken is not None:
            raise Conflict("brand.err.subdomain_taken", field="subdomain")
        row.subdomain = slug
    row.updated_at = utcnow()
    session.flush()
    forget_cache()
    return row


def _verified_elsewhere(session: Session, domain: str, tenant_id: int) -> bool:
    return session.exec(select(Brand.id).where(
        Brand.custom_domain == domain, Brand.domain_status == DomainStatus.VERIFIED,
        Brand.tenant_id != tenant_id)).first() is not None


def request_custom_domain(session: Session, *, tenant_id: int, domain: str) -> Brand:
    """Start (or restart) proving a custom domain: pending, with a fresh TXT token."""
    require_white_label(session, tenant_id=tenant_id)
    host = normalize_host(domain)
    row = _row_for_update(session, tenant_id)
    if not (domain or "").strip():
        row.custom_domain, row.domain_status, row.domain_token = None, DomainStatus.NONE, ""
        session.flush()
        forget_cache()
        return row
    base = base_domain()
    if host is None or "." not in host or host.replace(".", "").isdigit():
        raise FieldErrors({"custom_domain": "brand.err.domain_format"})
    if host == base or host.endswith("." + base):
        raise FieldErrors({"custom_domain": "brand.err.domain_platform"})
    if _verified_elsewhere(session, host, tenant_id):
        raise Conflict("brand.err.domain_taken", field="custom_domain")
    if row.custom_domain != host or row.domain_status != DomainStatus.VERIFIED:
        row.custom_domain = host
        row.domain_status = DomainStatus.PENDING
        row.domain_token = secrets.token_urlsafe(24)
        row.domain_checked_at = None
    row.updated_at = utcnow()
    session.flush()
    forget_cache()
    return row


def txt_record(row: Brand) -> tuple[str, str]:
    """(record name, value) the business must publish to prove the domain."""
    return f"{TXT_PREFIX}.{row.custom_domain}", f"{TXT_VALUE_PREFIX}{row.domain_token}"


TxtLookup = Callable[[str], list[str]]


class DnsUnavailable(ServiceError):
    """DNS did not answer (timeout, no server): nothing is concluded about the domain."""

    status = 503


def dns_txt_lookup(name: str) -> list[str]:
    """TXT strings at `name` (empty when there is none); tests pass a fake instead."""
    import dns.exception
    import dns.resolver

    try:
        answer = dns.resolver.resolve(name, "TXT", lifetime=5.0)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except (dns.resolver.NoNameservers, dns.exception.Timeout):
        raise DnsUnavailable("brand.err.dns_unavailable", field="custom_domain") from None
    return [b"".join(r.strings).decode("utf-8", "replace") for r in answer]


def domain_to_check(session: Session, *, tenant_id: int) -> tuple[str, str] | None:
    """(TXT name, expected value) of the business's custom domain, or None without one."""
    row = get_brand(session, tenant_id=tenant_id)
    if row is None or not row.custom_domain:
        return None
    return txt_record(row)


def record_domain_check(session: Session, *, tenant_id: int, name: str, values: list[str],
                        now: datetime | None = None) -> Brand | None:
    """Verified when the TXT values carry this business's token, else failed. `name` must
    still be the record asked about (the domain may have changed while DNS answered)."""
    row = get_brand(session, tenant_id=tenant_id)
    if row is None or not row.custom_domain or txt_record(row)[0] != name:
        return row
    expected = txt_record(row)[1]
    ok = any(v.strip() == expected for v in values)
    if ok and _verified_elsewhere(session, row.custom_domain, tenant_id):
        ok = False  # someone proved it first; a stale record must not move it
    row.domain_status = DomainStatus.VERIFIED if ok else DomainStatus.FAILED
    row.domain_checked_at = now or utcnow()
    session.flush()
    forget_cache()
    return row


def verify_custom_domain(session: Session, *, tenant_id: int,
                         lookup: TxtLookup | None = None,
                         now: datetime | None = None) -> Brand:
    """Check now (the page's button). The job (jobs/brand.py) does the same in two steps so
    that no transaction stays open while DNS answers."""
    target = domain_to_check(session, tenant_id=tenant_id)
    if target is None:
        raise FieldErrors({"custom_domain": "brand.err.domain_missing"})
    values = (lookup or dns_txt_lookup)(target[0])
    row = record_domain_check(session, tenant_id=tenant_id, name=target[0], values=values,
                              now=now)
    assert row is not None
    return row


def tls_allowed(session: Session, host: str | None) -> bool:
    """May the reverse proxy get a certificate for `host`? (Caddy's on-demand TLS `ask`):
    only a verified custom domain or a subdomain some business uses."""
    host = normalize_host(host)
    if host is None:
        return False
    return _brand_row_for_host(session, host) is not None


# --- a request's brand --------------------------------------------------------------------

def _brand_row_for_host(session: Session, host: str) -> Brand | None:
    base = base_domain()
    if host.endswith("." + base):
        label = host[: -len(base) - 1]
        if "." in label or label in RESERVED_SUBDOMAINS:
            return None
        return session.exec(select(Brand).where(Brand.subdomain == label)).first()
    return session.exec(select(Brand).where(
        Brand.custom_domain == host, Brand.domain_status == DomainStatus.VERIFIED)).first()


def _usable(session: Session, row: Brand | None) -> BrandView | None:
    if row is None:
        return None
    tenant = session.get(Tenant, row.tenant_id)
    if tenant is None or tenant.status != "active":
        return None
    if not limits_for(session, tenant_id=row.tenant_id).white_label:
        return None  # the plan no longer includes it: the platform brand again
    return _view(row, tenant.name)


def brand_for_host(session: Session, host: str | None) -> BrandView:
    host = normalize_host(host)
    if host is None:
        return PLATFORM_BRAND
    return _usable(session, _brand_row_for_host(session, host)) or PLATFORM_BRAND


def brand_for_tenant(session: Session, *, tenant_id: int) -> BrandView:
    """The business's own brand; an agency's client without one wears its agency's."""
    own = _usable(session, get_brand(session, tenant_id=tenant_id))
    if own is not None:
        return own
    tenant = session.get(Tenant, tenant_id)
    if tenant is not None and tenant.agency_tenant_id is not None:
        return _usable(session, get_brand(session, tenant_id=tenant.agency_tenant_id)) \
            or PLATFORM_BRAND
    return PLATFORM_BRAND


_CACHE_TTL_S = 10.0
_cache: dict[str, tuple[float, BrandView]] = {}
_cache_lock = threading.Lock()


def cached_brand_for_host(session: Session, host: str | None) -> BrandView:
    """brand_for_host remembered a few seconds per host (every page load asks)."""
    key = normalize_host(host) or ""
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
    if hit and hit[0] > now:
        return hit[1]
    view = brand_for_host(session, key or None)
    with _cache_lock:
        if len(_cache) > 10_000:  # bounded: random Host headers must not grow it forever
            _cache.clear()
        _cache[key] = (now + _CACHE_TTL_S, view)
    return view


def forget_cache() -> None:
    from ylada_app.services import origins

    with _cache_lock:
        _cache.clear()
    origins.forget()  # a domain verified or dropped here may call the backend at once
