"""A contact's consent history as people read it (contact page, its CSV): purpose, choice,
legal basis and source in words, the text the contact saw, and the date and time in the
business's timezone. The CSV download is recorded in the audit trail (by the contact's id —
never its phone number or name)."""

from __future__ import annotations

from sqlmodel import Session

from ylada_app.core import spreadsheet
from ylada_app.core.dates import local_text
from ylada_app.core.i18n import translate
from ylada_app.services import audit, consent
from ylada_app.services.analytics import tenant_zone
from ylada_app.services.contacts import get_contact

COLUMNS = ("when", "purpose", "choice", "basis", "source", "text")
_PROOF = (("wamid", "consents.proof.wamid"), ("flow_id", "consents.proof.flow"),
          ("user_id", "consents.proof.user"), ("api_key_id", "consents.proof.api_key"),
          ("file", "consents.proof.file"), ("from_wa_id", "consents.proof.from_wa_id"))


def _word(prefix: str, value: str, lang: str, fallback: str) -> str:
    text = translate(prefix + value, lang)
    return translate(fallback, lang) if text == prefix + value else text


def proof_text(evidence: dict, lang: str = "pt-BR") -> str:
    return "; ".join(translate(key, lang, value=evidence[name]) for name, key in _PROOF
                     if evidence.get(name) not in (None, "")) or "—"


def rows(session: Session, *, tenant_id: int, contact_id: object,
         lang: str = "pt-BR") -> list[dict[str, str]]:
    """Newest first; another business's contact is not found."""
    contact = get_contact(session, tenant_id=tenant_id, contact_id=contact_id)
    zone = tenant_zone(session, tenant_id)
    return [{
        "when": local_text(e.at, "%d/%m/%Y %H:%M:%S", zone),
        "purpose": _word("consents.purpose.", e.purpose, lang, "consents.source.other"),
        "choice": translate("consents.granted" if e.granted else "consents.revoked", lang),
        "granted": "1" if e.granted else "",
        "basis": _word("consents.basis.", e.legal_basis, lang, "consents.source.other"),
        "source": _word("consents.source.", e.source, lang, "consents.source.other"),
        "text": e.text_shown or "—",
        "proof": proof_text(e.evidence, lang),
    } for e in consent.history(session, tenant_id=tenant_id, contact_id=contact.id)]


def csv_download(session: Session, *, tenant_id: int, contact_id: object,
                 user_id: int | None, lang: str = "pt-BR") -> str:
    """The history as CSV (with what backs each record); the download is audited."""
    found = rows(session, tenant_id=tenant_id, contact_id=contact_id, lang=lang)
    text = spreadsheet.csv_text([translate(f"consents.col.{c}", lang) for c in COLUMNS]
                                + [translate("consents.col.proof", lang)],
                                ([r[c] for c in COLUMNS] + [r["proof"]] for r in found))
    contact = get_contact(session, tenant_id=tenant_id, contact_id=contact_id)
    audit.record(session, action="export.consents", actor_user_id=user_id, tenant_id=tenant_id,
                 target=f"contact:{contact.id}", format="csv", rows=len(found))
    return text
