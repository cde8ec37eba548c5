"""Phone numbers as WhatsApp knows them: E.164 digits without the "+" (its `wa_id`).

People type Brazilian numbers every which way — with or without +55, the area code in
brackets, dashes, and mobiles with or without the 9th digit added in 2012-2016. The
`phonenumbers` library parses and validates; a 10-digit Brazilian mobile (area code + 8
digits starting 6-9) gets its 9 back. WhatsApp itself still reports some Brazilian accounts
without the 9, so the same person may arrive as either form: `br_variants` gives both.
"""

from __future__ import annotations

import phonenumbers

from ylada_app.channels.whatsapp_cloud.payloads import is_bsuid

DEFAULT_REGION = "BR"


def normalize_phone(raw: object, region: str = DEFAULT_REGION) -> str | None:
    """Digits in E.164 (no "+"), or None when it is no valid phone number."""
    text = str(raw or "").strip()
    if not text or len(text) > 40:
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.startswith("00"):
        text = "+" + text[2:]
    elif not text.startswith("+") and digits.startswith("55") and len(digits) in (12, 13):
        text = "+" + digits  # 55 + area code + number, written without the "+"
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if number.country_code == 55:
        national = str(number.national_number)
        if len(national) == 10 and national[2] in "6789":  # a mobile missing its 9
            number = phonenumbers.parse("+55" + national[:2] + "9" + national[2:], None)
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]


def br_variants(wa_id: str) -> list[str]:
    """The forms the same Brazilian mobile may have on WhatsApp (with and without the 9)."""
    if wa_id.startswith("55") and len(wa_id) == 13 and wa_id[4] == "9":
        return [wa_id, wa_id[:4] + wa_id[5:]]
    if wa_id.startswith("55") and len(wa_id) == 12 and wa_id[4] in "6789":
        return [wa_id[:4] + "9" + wa_id[4:], wa_id]
    return [wa_id]


def display_phone(wa_id: str) -> str:
    """+55 11 98765-4321 for people; "Simulador" for a simulator chat (its id is internal);
    the raw value when it is no phone number."""
    if wa_id.startswith("sim-"):
        return "Simulador"
    if wa_id.startswith("apagado-"):  # erased on request (LGPD): the marker means nothing
        return "Contato apagado"
    if is_bsuid(wa_id):  # Meta's id of a customer who hides the phone: means nothing to people
        return "Número oculto pelo cliente"
    if not wa_id.isdigit():
        return wa_id
    try:
        number = phonenumbers.parse("+" + wa_id, None)
    except phonenumbers.NumberParseException:
        return wa_id
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
