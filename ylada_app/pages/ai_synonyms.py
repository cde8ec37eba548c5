"""The "Sinônimos" card of the Treinar IA page: the business teaches the assistant its
customers' words ("quando o cliente disser X, entenda Y"). Self-contained (its own small
state, loaded when the card mounts), so the page's other sections are untouched. The words
are the business's (every instance); services/knowledge_synonyms.py checks the tenant."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.forms import field_error
from ylada_app.components.layout import card
from ylada_app.components.texts import t
from ylada_app.services import knowledge_synonyms
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState


def _rows(session, *, tenant_id: int) -> list[dict[str, str]]:
    return [{"id": str(r.id), "phrase": r.phrase, "meaning": r.meaning}
            for r in knowledge_synonyms.list_synonyms(session, tenant_id=tenant_id)]


class SynonymsState(SessionState):
    synonyms: list[dict[str, str]] = []
    synonym_errors: dict[str, str] = {}
    synonym_form_key: int = 0

    @rx.event
    async def load_synonyms(self):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        self.synonyms = await call(_rows, tenant_id=ctx.tenant_id)

    @rx.event
    async def add_synonym(self, form: dict):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        try:
            await call(knowledge_synonyms.add_synonym, tenant_id=ctx.tenant_id,
                       phrase=str(form.get("phrase") or "")[:200],
                       meaning=str(form.get("meaning") or "")[:400])
        except ServiceError as exc:
            self.synonym_errors = self._field_errors(exc)
            return
        self.synonym_errors = {}
        self.synonym_form_key += 1
        self.synonyms = await call(_rows, tenant_id=ctx.tenant_id)
        return rx.toast.success(self._t("synonyms.saved"))

    @rx.event
    async def delete_synonym(self, synonym_id: str):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        try:
            await call(knowledge_synonyms.delete_synonym, tenant_id=ctx.tenant_id,
                       synonym_id=synonym_id)
        except ServiceError:
            return rx.toast.error(self._t("error.not_found"))
        self.synonyms = await call(_rows, tenant_id=ctx.tenant_id)


def _row(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(t("synonyms.when"), " ", rx.text.strong("“", row["phrase"], "”"), " ",
                t("synonyms.understand"), " ", rx.text.strong("“", row["meaning"], "”"),
                size="2"),
        rx.spacer(),
        rx.icon_button(rx.icon("trash-2", size=14), size="1", variant="ghost",
                       color_scheme="red", on_click=SynonymsState.delete_synonym(row["id"]),
                       title=t("synonyms.delete"), aria_label=t("synonyms.delete")),
        width="100%", align="center", class_name="synonym-row",
    )


def synonyms_card() -> rx.Component:
    s = SynonymsState
    return card(
        rx.vstack(
            rx.heading(t("synonyms.title"), size="4"),
            rx.text(t("synonyms.help"), size="2", color_scheme="gray"),
            rx.form(
                rx.vstack(
                    rx.vstack(
                        rx.text(t("synonyms.phrase"), size="2", weight="medium"),
                        rx.input(name="phrase", placeholder=t("synonyms.phrase_example"),
                                 id="synonym-phrase", width="100%",
                                 aria_label=t("synonyms.phrase")),
                        field_error(s.synonym_errors, "phrase"),
                        spacing="1", width="100%"),
                    rx.vstack(
                        rx.text(t("synonyms.meaning"), size="2", weight="medium"),
                        rx.input(name="meaning", placeholder=t("synonyms.meaning_example"),
                                 id="synonym-meaning", width="100%",
                                 aria_label=t("synonyms.meaning")),
                        field_error(s.synonym_errors, "meaning"),
                        spacing="1", width="100%"),
                    field_error(s.synonym_errors, "_"),
                    rx.button(t("synonyms.add"), type="submit", id="synonym-add"),
                    spacing="2", width="100%"),
                on_submit=s.add_synonym, key=s.synonym_form_key, width="100%",
            ),
            rx.cond(s.synonyms.length() > 0,
                    rx.vstack(rx.foreach(s.synonyms, _row), spacing="1", width="100%",
                              id="synonym-list"),
                    rx.text(t("synonyms.none"), size="2", color_scheme="gray")),
            spacing="3", width="100%",
        ),
        on_mount=s.load_synonyms,
    )
