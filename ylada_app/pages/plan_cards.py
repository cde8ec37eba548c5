"""Plan cards shared by the public /plans page and /billing."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.texts import t
from ylada_app.core.money import format_brl, format_int
from ylada_app.models import Plan


def plan_row(plan: Plan, current_code: str = "", lang: str = "pt-BR") -> dict[str, str]:
    return {
        "code": plan.code, "name": plan.name, "price": format_brl(plan.price_cents),
        "per": "plans.per_year" if plan.interval == "year" else "plans.per_month",
        "instances": format_int(plan.max_instances, lang),
        "flows": format_int(plan.max_active_flows, lang),
        # "1 número" / "3 números": the label follows the count
        "instances_one": "1" if plan.max_instances == 1 else "",
        "flows_one": "1" if plan.max_active_flows == 1 else "",
        "messages": format_int(plan.max_messages_month, lang),
        "ai": format_int(plan.max_ai_tokens_month, lang),
        "premium": "1" if plan.premium_templates else "",
        "trial": str(plan.trial_days or ""), "free": "1" if plan.price_cents <= 0 else "",
        "current": "1" if plan.code == current_code else "",
    }


def _feature(icon: str, value: rx.Var | str, label_key: str,
             one: tuple[rx.Var, str] | None = None) -> rx.Component:
    label = rx.cond(one[0] == "1", t(one[1]), t(label_key)) if one else t(label_key)
    return rx.hstack(rx.icon(icon, size=16, color=rx.color("jade", 10)),
                     rx.text(value, " ", label, size="2"), align="center", spacing="2")


def plan_card(plan: rx.Var, action: rx.Component) -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.heading(plan["name"], size="5"),
                rx.spacer(),
                rx.cond(plan["current"] == "1",
                        rx.badge(t("billing.current_badge"), color_scheme="jade",
                                 variant="solid")),
                width="100%", align="center",
            ),
            rx.hstack(
                rx.heading(plan["price"], size="6", weight="bold", white_space="nowrap"),
                rx.text(rx.cond(plan["per"] == "plans.per_year", t("plans.per_year"),
                                t("plans.per_month")), color_scheme="gray", size="2"),
                align="end", spacing="1",
            ),
            rx.cond(plan["trial"] != "",
                    rx.badge(rx.icon("gift", size=12), plan["trial"], " ",
                             t("plans.trial_short"), color_scheme="blue", variant="soft")),
            rx.divider(),
            _feature("smartphone", plan["instances"], "plans.instances",
                     (plan["instances_one"], "plans.instance_one")),
            _feature("workflow", plan["flows"], "plans.flows",
                     (plan["flows_one"], "plans.flow_one")),
            _feature("message-circle", plan["messages"], "plans.messages"),
            _feature("sparkles", plan["ai"], "plans.ai_tokens"),
            rx.hstack(
                rx.icon(rx.cond(plan["premium"] == "1", "crown", "store"), size=16,
                        color=rx.color("jade", 10)),
                rx.text(rx.cond(plan["premium"] == "1", t("plans.premium"),
                                t("plans.no_premium")), size="2"),
                align="center", spacing="2",
            ),
            rx.spacer(),
            action,
            spacing="3", height="100%", align="start",
        ),
        background="white",
        border=rx.cond(plan["current"] == "1", f"2px solid {rx.color('jade', 9)}",
                       f"1px solid {rx.color('gray', 4)}"),
        border_radius="14px", padding="22px", width="100%",
        id="plan-" + plan["code"], class_name="plan-card",
    )
