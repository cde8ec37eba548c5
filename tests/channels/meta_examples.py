"""Webhook bodies modelled on the examples in Meta's "messages webhook reference".

Ids and values follow Meta's documented samples; each builder returns a fresh dict.
"""

from __future__ import annotations

import copy

WABA_ID = "102290129340398"
PHONE_ID = "106540352242922"
DISPLAY = "15550783881"
USER = "16505551234"
NAME = "Sheena Nelson"
WAMID = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA="
CTX_WAMID = "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBIyQjM5OTRGRkQ3OTU4MzdEMkIA"


def envelope(value: dict, field: str = "messages") -> dict:
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": WABA_ID, "changes": [{"value": value, "field": field}]}],
    }


def base_value(with_contacts: bool = True) -> dict:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": DISPLAY, "phone_number_id": PHONE_ID},
    }
    if with_contacts:
        value["contacts"] = [{"profile": {"name": NAME}, "wa_id": USER}]
    return value


def message_webhook(message: dict, *, with_contacts: bool = True) -> dict:
    value = base_value(with_contacts)
    msg = {"from": USER, "id": WAMID, "timestamp": "1749416383", **copy.deepcopy(message)}
    value["messages"] = [msg]
    return envelope(value)


TEXT = {"type": "text", "text": {"body": "Does it come in another color?"}}
TEXT_WITH_LINK = {
    "type": "text",
    "text": {"body": "https://www.meta.com/"},
}
REPLY_TO = {
    "type": "text",
    "text": {"body": "Yes, blue please"},
    "context": {"from": DISPLAY, "id": CTX_WAMID},
}
FORWARDED = {
    "type": "text",
    "text": {"body": "fwd"},
    "context": {"forwarded": True, "frequently_forwarded": True},
}
BUTTON_REPLY = {
    "type": "interactive",
    "context": {"from": DISPLAY, "id": CTX_WAMID},
    "interactive": {
        "type": "button_reply",
        "button_reply": {"id": "cancel-button", "title": "Cancel"},
    },
}
LIST_REPLY = {
    "type": "interactive",
    "context": {"from": DISPLAY, "id": CTX_WAMID},
    "interactive": {
        "type": "list_reply",
        "list_reply": {
            "id": "priority_express",
            "title": "Priority Mail Express",
            "description": "Next Day to 2 Days",
        },
    },
}
NFM_REPLY = {
    "type": "interactive",
    "context": {"from": DISPLAY, "id": CTX_WAMID},
    "interactive": {
        "type": "nfm_reply",
        "nfm_reply": {
            "name": "flow",
            "body": "Sent",
            "response_json": '{"flow_token": "AQAAAAACS5FpgQ_cAAAAAD0QI3s.", "opt_in": true}',
        },
    },
}
TEMPLATE_BUTTON = {
    "type": "button",
    "context": {"from": DISPLAY, "id": CTX_WAMID},
    "button": {"payload": "Unsubscribe from Promos", "text": "Unsubscribe from Promos"},
}
IMAGE = {
    "type": "image",
    "image": {
        "caption": "This is a caption",
        "mime_type": "image/jpeg",
        "sha256": "WO+GaOrzY5l/nGPbvZrdRoYLQeKGRo6W/g8rUt8r5ao=",
        "id": "1003383421387256",
    },
}
AUDIO_VOICE = {
    "type": "audio",
    "audio": {
        "mime_type": "audio/ogg; codecs=opus",
        "sha256": "4gLF3Lp3O4uF8qTf5KPrfV1CtVQPO4I3/lfHhrSkoZg=",
        "id": "1003383421387257",
        "voice": True,
    },
}
VIDEO = {
    "type": "video",
    "video": {
        "caption": "Check this out",
        "mime_type": "video/mp4",
        "sha256": "kQ7Pv5eWOFqjUMTXkhkVp+ZGvzkv/eyn3bV9AEBVzeI=",
        "id": "1003383421387258",
    },
}
DOCUMENT = {
    "type": "document",
    "document": {
        "caption": "Invoice",
        "filename": "invoice-123.pdf",
        "mime_type": "application/pdf",
        "sha256": "hS3ysEjQb4q7CiUyYIeK93GxeF8JD2XyVeUdI7qSkwI=",
        "id": "1003383421387259",
    },
}
STICKER = {
    "type": "sticker",
    "sticker": {
        "mime_type": "image/webp",
        "sha256": "Qp7mwyXahDdD0dNZ3qJWNrD8N6ckrS8Q/Kkcv1Tqv5s=",
        "id": "1003383421387260",
        "animated": False,
    },
}
LOCATION = {
    "type": "location",
    "location": {
        "address": "1 Hacker Way, Menlo Park, CA 94025",
        "latitude": 37.483307,
        "longitude": -122.148981,
        "name": "Meta Headquarters",
        "url": "https://www.meta.com/",
    },
}
CONTACTS = {
    "type": "contacts",
    "contacts": [
        {
            "addresses": [{"city": "Menlo Park", "country": "United States", "type": "HOME"}],
            "birthday": "1999-01-23",
            "emails": [{"email": "bjohnson@example.com", "type": "WORK"}],
            "name": {
                "formatted_name": "Barbara J. Johnson",
                "first_name": "Barbara",
                "last_name": "Johnson",
            },
            "org": {"company": "Lucky Shrub", "department": "Legal", "title": "Lawyer"},
            "phones": [{"phone": "+1 (940) 555-1234", "wa_id": "19405551234", "type": "HOME"}],
            "urls": [{"url": "https://www.luckyshrub.com", "type": "WORK"}],
        }
    ],
}
REACTION = {"type": "reaction", "reaction": {"message_id": CTX_WAMID, "emoji": "\U0001f44d"}}
REACTION_REMOVED = {"type": "reaction", "reaction": {"message_id": CTX_WAMID}}
ORDER = {
    "type": "order",
    "order": {
        "catalog_id": "194836987003835",
        "text": "Entregar amanhã, por favor",
        "product_items": [
            {
                "product_retailer_id": "di9ozbzfi4",
                "quantity": 2,
                "item_price": 30,
                "currency": "BRL",
            },
            {
                "product_retailer_id": "nlvjj1vm6n",
                "quantity": 1,
                "item_price": 12.5,
                "currency": "BRL",
            },
        ],
    },
}
SYSTEM_CHANGED_NUMBER = {
    "type": "system",
    "system": {
        "body": "User Sheena Nelson changed from 16505551234 to 16505553333",
        "wa_id": "16505553333",
        "type": "user_changed_number",
    },
}
UNSUPPORTED = {
    "type": "unsupported",
    "errors": [
        {
            "code": 131051,
            "title": "Message type unknown",
            "message": "Message type unknown",
            "error_data": {"details": "Message type is currently not supported."},
        }
    ],
    "unsupported": {"type": "edit"},
}
REFERRAL = {
    "type": "text",
    "text": {"body": "Quero saber mais"},
    "referral": {
        "source_url": "https://fb.me/3cr4Wqqkv",
        "source_id": "120226305854810726",
        "source_type": "ad",
        "body": "Promoção de verão",
        "headline": "Fale com a gente",
        "media_type": "image",
        "image_url": "https://scontent.xx.fbcdn.net/v/t45.1600-4/img.png",
        "ctwa_clid": "Afc9zJ3Jq5GBT4Mqz8H1uP0JbM7QDSz4P0rYDHAf3gHvnS2O",
        "welcome_message": {"text": "Olá! Como podemos ajudar?"},
    },
}


def status_webhook(*statuses: dict) -> dict:
    value = base_value(with_contacts=False)
    value["statuses"] = list(statuses)
    return envelope(value)


def status(wamid: str, status_: str, ts: str = "1750263773", **extra) -> dict:
    out = {"id": wamid, "status": status_, "timestamp": ts, "recipient_id": USER, **extra}
    return out


SENT_STATUS_EXTRA = {
    "conversation": {
        "id": "9d4f5e8a8a2a4ee1c0e94c6c6a28a3e1",
        "expiration_timestamp": "1750350173",
        "origin": {"type": "service"},
    },
    "pricing": {
        "billable": True,
        "pricing_model": "PMP",
        "category": "utility",
        "type": "regular",
    },
}
FAILED_STATUS_ERRORS = [
    {
        "code": 131047,
        "title": "Re-engagement message",
        "message": "Re-engagement message",
        "error_data": {
            "details": "Message failed to send because more than 24 hours have passed since "
            "the customer last replied to this number."
        },
        "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
    }
]


def errors_webhook() -> dict:
    value = base_value(with_contacts=False)
    value["errors"] = [
        {
            "code": 130429,
            "title": "Rate limit hit",
            "message": "(#130429) Rate limit hit",
            "error_data": {"details": "Cloud API message throughput has been reached."},
            "href": "/docs/whatsapp/cloud-api/support/error-codes/",
        }
    ]
    return envelope(value)


def template_status_webhook() -> dict:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": WABA_ID,
                "time": 1750263773,
                "changes": [
                    {
                        "value": {
                            "event": "APPROVED",
                            "message_template_id": 1689556908129832,
                            "message_template_name": "order_confirmation",
                            "message_template_language": "pt_BR",
                            "reason": "NONE",
                        },
                        "field": "message_template_status_update",
                    }
                ],
            }
        ],
    }
