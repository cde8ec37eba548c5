"""Form building blocks with field-level error display."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.texts import t


def field_error(errors: rx.Var, name: str) -> rx.Component:
    return rx.cond(
        errors.contains(name),
        rx.text(errors[name], color_scheme="red", size="1", id=f"error-{name}"),
    )


def text_field(
    label_key: str,
    name: str,
    errors: rx.Var,
    *,
    type: str = "text",
    placeholder: str = "",
    hint_key: str | None = None,
    default_value: rx.Var | str | None = None,
    max_length: int | None = None,
    autocomplete: str | None = None,
) -> rx.Component:
    # aria-label as well as the <label>: the input inside Radix's text field is what a screen
    # reader lands on, and it must carry the field's name itself.
    props: dict = {"name": name, "id": f"field-{name}", "type": type, "size": "3", "width": "100%",
                   "aria_label": t(label_key)}
    if placeholder:
        props["placeholder"] = placeholder
    if default_value is not None:
        props["default_value"] = default_value
    if max_length:
        props["max_length"] = max_length
    if autocomplete:
        props["auto_complete"] = autocomplete
    return rx.vstack(
        rx.text(t(label_key), as_="label", size="2", weight="medium", html_for=f"field-{name}"),
        rx.input(**props, color_scheme=rx.cond(errors.contains(name), "red", "jade")),
        rx.cond(hint_key is not None, rx.text(t(hint_key or ""), size="1", color_scheme="gray"))
        if hint_key
        else rx.fragment(),
        field_error(errors, name),
        spacing="1",
        width="100%",
    )


def select_field(
    label_key: str, name: str, errors: rx.Var, options: list[tuple[str, str]], default: str
) -> rx.Component:
    """options: (value, label key)."""
    return rx.vstack(
        rx.text(t(label_key), as_="label", size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(width="100%", id=f"field-{name}", aria_label=t(label_key)),
            rx.select.content(
                *[rx.select.item(t(label), value=value) for value, label in options]
            ),
            name=name,
            default_value=default,
            size="3",
        ),
        field_error(errors, name),
        spacing="1",
        width="100%",
    )


def form_error(errors: rx.Var) -> rx.Component:
    """The form-wide error; over a plan limit it also links to the plans ("_upgrade")."""
    return rx.cond(
        errors.contains("_"),
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle_alert", size=16)),
            rx.callout.text(
                errors["_"],
                rx.cond(errors.contains("_upgrade"),
                        rx.link(" ", t("usage.upgrade"), " →", href=errors["_upgrade"],
                                weight="bold", id="upgrade-link")),
            ),
            color_scheme="red", width="100%", id="form-error",
        ),
    )


def show_first_error() -> rx.event.EventSpec:
    """Scroll the first error of the page into view: on a long form the message under a
    field above the button went unseen, and the button seemed to do nothing."""
    return rx.call_script(
        "setTimeout(() => document.querySelector('#form-error, [id^=\"error-\"]')"
        "?.scrollIntoView({behavior: 'smooth', block: 'center'}), 60)")


def new_password_fields(errors: rx.Var) -> rx.Component:
    """New password + repeat (the reset link, the verification link in another browser)."""
    return rx.fragment(
        text_field("reset.password", "password", errors, type="password",
                   hint_key="signup.password_hint", autocomplete="new-password"),
        text_field("reset.password_again", "password_again", errors, type="password",
                   autocomplete="new-password"),
    )


def submit_button(label_key: str, *, loading: rx.Var | bool = False, **props) -> rx.Component:
    return rx.button(t(label_key), type="submit", size="3", loading=loading, **props)
