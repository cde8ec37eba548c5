"""The "Respostas" tab of the Treinar IA page: the assistant's recent answers, which the
team marks good or wrong and corrects (the correction becomes a FAQ item), and the
customers' questions it could not answer, grouped, each with "Adicionar resposta" (a FAQ
form filled with the question). Its own small state, loaded when the tab opens; the
instance is the page's (AiState, checked against the tenant's instances); the services
check the tenant again (services/ai_learning.py)."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.forms import field_error, form_error
from ylada_app.components.layout import card
from ylada_app.components.texts import t
from ylada_app.core.dates import local_text
from ylada_app.services import ai_learning
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState


def _data(session, *, tenant_id: int, instance_id: int) -> dict:
    answers = [{"id": str(a.id), "question": a.question[:300], "answer": a.answer[:600],
                "items": " · ".join(a.items[:5]), "when": local_text(a.at, "%d/%m %H:%M"),
                "source": a.source, "rating": a.rating or "",
                "corrected": "1" if a.corrected else "",
                "handed": "1" if a.handed_over else ""}
               for a in ai_learning.recent_answers(session, tenant_id=tenant_id,
                                                    instance_id=instance_id)]
    groups = [{"id": str(g.log_id), "question": g.question[:300], "count": str(g.count),
               "last": local_text(g.last_at, "%d/%m %H:%M"),
               "variants": " · ".join(v[:120] for v in g.variants)}
              for g in ai_learning.unanswered_groups(session, tenant_id=tenant_id,
                                                      instance_id=instance_id)]
    return {"answers": answers, "groups": groups}


class LearningState(SessionState):
    answers: list[dict[str, str]] = []
    groups: list[dict[str, str]] = []
    # the open form: {"mode": "correct" | "answer", "id", "question"}
    form: dict[str, str] = {}
    form_errors: dict[str, str] = {}
    form_key: int = 0

    async def _instance_id(self) -> int:
        from ylada_app.pages.ai import AiState  # the page imports this module

        page = await self.get_state(AiState)
        return page._iid()

    async def _refresh(self, tenant_id: int) -> None:
        iid = await self._instance_id()
        if not iid:
            self.answers, self.groups = [], []
            return
        data = await call(_data, tenant_id=tenant_id, instance_id=iid)
        self.answers, self.groups = data["answers"], data["groups"]

    @rx.event
    async def load_learning(self):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        self.form, self.form_errors = {}, {}
        await self._refresh(ctx.tenant_id)

    @rx.event
    async def rate(self, log_id: str, rating: str):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        try:
            await call(ai_learning.rate, tenant_id=ctx.tenant_id, log_id=log_id,
                       rating=rating)
        except ServiceError:
            return rx.toast.error(self._t("error.not_found"))
        await self._refresh(ctx.tenant_id)
        if rating == "wrong":  # the next step is the correction
            row = next((a for a in self.answers if a["id"] == log_id), None)
            if row is not None:
                self.form = {"mode": "correct", "id": log_id, "question": row["question"]}
                self.form_key += 1
        return rx.toast.success(self._t("learning.rated"))

    @rx.event
    def start_correct(self, row: dict[str, str]):
        self.form = {"mode": "correct", "id": row["id"], "question": row["question"]}
        self.form_errors = {}
        self.form_key += 1

    @rx.event
    def start_answer(self, group: dict[str, str]):
        self.form = {"mode": "answer", "id": group["id"], "question": group["question"]}
        self.form_errors = {}
        self.form_key += 1

    @rx.event
    def cancel(self):
        self.form, self.form_errors = {}, {}

    @rx.event
    async def save(self, form: dict):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        fn = (ai_learning.correct if self.form.get("mode") == "correct"
              else ai_learning.answer_group)
        try:
            await call(fn, tenant_id=ctx.tenant_id, log_id=self.form.get("id"),
                       answer=str(form.get("answer") or ""),
                       question=str(form.get("question") or "")[:300])
        except ServiceError as exc:
            self.form_errors = self._field_errors(exc)
            return
        except ValueError:
            return rx.toast.error(self._t("error.not_found"))
        self.form, self.form_errors = {}, {}
        await self._refresh(ctx.tenant_id)
        return rx.toast.success(self._t("learning.saved"))


# --- components ------------------------------------------------------------------------------

def _faq_form(target: rx.Var, mode: str) -> rx.Component:
    """The FAQ form (correction or new answer), shown under the row it belongs to."""
    s = LearningState
    return rx.cond(
        (s.form["id"] == target) & (s.form["mode"] == mode),
        rx.form(
            rx.vstack(
                rx.text(rx.cond(s.form["mode"] == "correct", t("learning.correct_help"),
                                t("learning.unanswered_help")), size="1",
                        color_scheme="gray"),
                form_error(s.form_errors),
                rx.text(t("learning.faq_question"), size="2", weight="medium"),
                rx.input(name="question", default_value=s.form["question"], width="100%",
                         id="learning-question", aria_label=t("learning.faq_question")),
                rx.text(t("learning.faq_answer"), size="2", weight="medium"),
                rx.text_area(name="answer", rows="3", width="100%", id="learning-answer",
                             aria_label=t("learning.faq_answer")),
                field_error(s.form_errors, "answer"),
                rx.hstack(
                    rx.button(t("learning.save_faq"), type="submit", size="2",
                              id="learning-save"),
                    rx.button(t("learning.cancel"), type="button", size="2", variant="soft",
                              color_scheme="gray", on_click=s.cancel),
                    spacing="2"),
                spacing="2", width="100%"),
            on_submit=s.save, key=s.form_key, width="100%",
            padding="12px", border_radius="10px", background=rx.color("jade", 2),
        ),
    )


def _rating(row: rx.Var) -> rx.Component:
    s = LearningState
    return rx.cond(
        row["corrected"] == "1",
        # corrected after "Errada", or answered from the unanswered list
        rx.badge(rx.icon("check", size=12),
                 rx.cond(row["rating"] == "wrong", t("learning.corrected"),
                         t("learning.answered")),
                 color_scheme="blue", variant="soft"),
        rx.hstack(
            rx.button(rx.icon("thumbs-up", size=14), t("learning.good"), size="1",
                      variant=rx.cond(row["rating"] == "good", "solid", "soft"),
                      color_scheme="jade", on_click=s.rate(row["id"], "good"),
                      class_name="rate-good"),
            rx.button(rx.icon("thumbs-down", size=14), t("learning.wrong"), size="1",
                      variant=rx.cond(row["rating"] == "wrong", "solid", "soft"),
                      color_scheme="red", on_click=s.rate(row["id"], "wrong"),
                      class_name="rate-wrong"),
            rx.cond(row["rating"] == "wrong", rx.button(
                rx.icon("pencil", size=14), t("learning.correct"), size="1", variant="ghost",
                on_click=s.start_correct(row), class_name="rate-correct")),
            spacing="2", align="center"),
    )


def _answer_row(row: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(row["when"], size="1", color_scheme="gray"),
            rx.badge(rx.match(row["source"], ("console", t("learning.source_console")),
                              ("fallback", t("learning.source_fallback")),
                              t("learning.source_flow")),
                     variant="soft", color_scheme="gray"),
            rx.cond(row["handed"] == "1", rx.badge(t("learning.handed_over"),
                                                   color_scheme="amber", variant="soft")),
            rx.spacer(),
            _rating(row),
            width="100%", align="center", spacing="2", wrap="wrap"),
        rx.text(row["question"], size="2", weight="medium"),
        rx.text(row["answer"], size="2", color_scheme="gray", white_space="pre-wrap"),
        rx.text(t("learning.items"), ": ",
                rx.cond(row["items"] != "", row["items"], t("learning.no_items")),
                size="1", color_scheme="gray"),
        _faq_form(row["id"], "correct"),
        spacing="1", width="100%", class_name="learning-answer",
        padding_bottom="10px", border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def _group_row(group: rx.Var) -> rx.Component:
    s = LearningState
    return rx.vstack(
        rx.hstack(
            rx.text(group["question"], size="2", weight="medium"),
            rx.spacer(),
            rx.badge(group["count"], " ", t("learning.times"), color_scheme="amber",
                     variant="soft"),
            width="100%", align="center"),
        rx.cond(group["variants"] != "", rx.text(
            t("learning.also"), " ", group["variants"], size="1", color_scheme="gray")),
        rx.hstack(
            rx.text(t("learning.last"), " ", group["last"], size="1", color_scheme="gray"),
            rx.spacer(),
            rx.button(rx.icon("plus", size=14), t("learning.add_answer"), size="1",
                      on_click=s.start_answer(group), class_name="add-answer"),
            width="100%", align="center"),
        _faq_form(group["id"], "answer"),
        spacing="1", width="100%", class_name="unanswered-question",
        padding_bottom="10px", border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def learning_tab() -> rx.Component:
    s = LearningState
    return rx.flex(
        card(
            rx.vstack(
                rx.heading(t("learning.recent_title"), size="4"),
                rx.text(t("learning.recent_help"), size="2", color_scheme="gray"),
                rx.cond(s.answers.length() > 0,
                        rx.vstack(rx.foreach(s.answers, _answer_row), spacing="3",
                                  width="100%", id="recent-answers"),
                        rx.text(t("learning.recent_empty"), size="2", color_scheme="gray")),
                spacing="3", width="100%"),
            flex="3", min_width="0",
        ),
        card(
            rx.vstack(
                rx.heading(t("learning.unanswered_title"), size="4"),
                rx.text(t("learning.unanswered_help"), size="2", color_scheme="gray"),
                rx.cond(s.groups.length() > 0,
                        rx.vstack(rx.foreach(s.groups, _group_row), spacing="3",
                                  width="100%", id="unanswered"),
                        rx.text(t("learning.unanswered_empty"), size="2",
                                color_scheme="gray")),
                spacing="3", width="100%"),
            flex="2", min_width="0",
        ),
        spacing="4", width="100%", align="start",
        direction=rx.breakpoints(initial="column", lg="row"),
        on_mount=s.load_learning,
    )
