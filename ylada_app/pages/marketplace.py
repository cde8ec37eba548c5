"""/marketplace: the template grid (search, niche, category, free/paid) and the tenant's
installed templates with their updates."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.models.marketplace import TEMPLATE_CATEGORIES, TEMPLATE_NICHES
from ylada_app.services import marketplace
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState

ALL = "all"


def _cards(session, *, tenant_id: int, search: str, niche: str, category: str,
           price: str) -> list[dict[str, str]]:
    return [{"slug": c.slug, "name": c.name, "description": c.description,
             "category": c.category, "niche": c.niche, "price": c.price,
             "premium": "1" if c.is_premium else "", "locked": "1" if c.locked else "",
             "installed": "1" if c.installed else ""}
            for c in marketplace.list_templates(session, tenant_id=tenant_id, search=search,
                                                niche=niche, category=category, price=price)]


def install_rows(session, *, tenant_id: int, slug: str | None = None) -> list[dict[str, str]]:
    return [{"id": str(r.id), "slug": r.template_slug, "name": r.template_name,
             "instance": r.instance_name, "instance_id": str(r.instance_id),
             "version": str(r.version), "latest": str(r.latest_version),
             "update": "1" if r.update_available else "", "edited": "1" if r.edited else "",
             "changelog": r.changelog, "changes": r.changes, "status": r.flow_status}
            for r in marketplace.list_installs(session, tenant_id=tenant_id, slug=slug)]


class MarketplaceState(SessionState):
    cards: list[dict[str, str]] = []
    installs: list[dict[str, str]] = []
    search: str = ""
    niche: str = ALL
    category: str = ALL
    price: str = ALL
    loaded: bool = False

    async def _refresh(self, tenant_id: int) -> None:
        self.cards = await call(
            _cards, tenant_id=tenant_id, search=self.search,
            niche="" if self.niche == ALL else self.niche,
            category="" if self.category == ALL else self.category,
            price="" if self.price == ALL else self.price)
        self.installs = await call(install_rows, tenant_id=tenant_id)

    @rx.event
    @guarded_load()
    async def load(self, ctx):
        await self._refresh(ctx.tenant_id)

    async def _filter(self, **changes):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        for name, value in changes.items():
            setattr(self, name, str(value or "")[:80])
        await self._refresh(ctx.tenant_id)
        return None

    @rx.event
    async def set_search_text(self, value: str):
        return await self._filter(search=value)

    @rx.event
    async def set_niche_filter(self, value: str):
        return await self._filter(niche=value if value in TEMPLATE_NICHES else ALL)

    @rx.event
    async def set_category_filter(self, value: str):
        return await self._filter(category=value if value in TEMPLATE_CATEGORIES else ALL)

    @rx.event
    async def set_price_filter(self, value: str):
        return await self._filter(price=value if value in marketplace.PRICE_FILTERS else ALL)

    @rx.event
    async def upgrade(self, install_id: str, overwrite: bool):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        toast = await upgrade_install(self, ctx.tenant_id, install_id, overwrite)
        await self._refresh(ctx.tenant_id)
        return toast


async def upgrade_install(state: SessionState, tenant_id: int, install_id: str,
                          overwrite: bool):
    """Upgrade one of the tenant's installs; the toast to show (both marketplace pages)."""
    _, problem = await state._call_or_toast(marketplace.upgrade_install, tenant_id=tenant_id,
                                            install_id=install_id, overwrite_edits=overwrite)
    if problem is not None:
        return problem
    return rx.toast.success(state._t("mkt.updated"))


def label_of(prefix: str, value: rx.Var) -> rx.Var:
    return SessionState.tr[prefix + value]


def template_badges(c: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.badge(label_of("niche.", c["niche"]), variant="soft", color_scheme="jade"),
        rx.badge(label_of("mkt.cat.", c["category"]), variant="soft", color_scheme="gray"),
        rx.cond(c["premium"] == "1",
                rx.badge(rx.icon("crown", size=12), c["price"], color_scheme="amber",
                         variant="soft"),
                rx.badge(t("mkt.free"), color_scheme="green", variant="soft")),
        rx.cond(c["installed"] == "1",
                rx.badge(rx.icon("check", size=12), t("mkt.installed"), color_scheme="blue",
                         variant="soft")),
        spacing="2", wrap="wrap",
    )


def _card(c: rx.Var) -> rx.Component:
    return rx.link(
        card(
            rx.vstack(
                rx.hstack(
                    rx.heading(c["name"], size="4", weight="bold"),
                    rx.spacer(),
                    rx.cond(c["locked"] == "1", rx.icon("lock", size=16,
                                                         color=rx.color("amber", 10))),
                    width="100%", align="start",
                ),
                rx.text(c["description"], size="2", color_scheme="gray",
                        class_name="template-description"),
                rx.spacer(),
                template_badges(c),
                rx.text(t("mkt.details"), " →", size="2", color=rx.color("jade", 11),
                        weight="medium"),
                spacing="3", height="100%", align="start",
            ),
            height="100%",
            _hover={"border_color": rx.color("jade", 8),
                    "box_shadow": "0 4px 16px rgba(0,0,0,0.06)"},
        ),
        href="/marketplace/" + c["slug"], underline="none", color="inherit",
        class_name="template-card", id="template-" + c["slug"],
    )


def _select(value: rx.Var, on_change, all_key: str, options: list[tuple[str, str]],
            id_: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(id=id_, min_width="180px", aria_label=t(all_key)),
        rx.select.content(
            rx.select.item(t(all_key), value=ALL),
            *[rx.select.item(t(label), value=value_, id=f"{id_}-{value_}")
              for value_, label in options],
        ),
        value=value, on_change=on_change, size="2",
    )


def install_row(r: rx.Var, upgrade_handler) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(r["name"], href="/marketplace/" + r["slug"], weight="medium")),
        rx.table.cell(r["instance"]),
        rx.table.cell(rx.hstack(
            rx.text("v", r["version"]),
            rx.cond(r["update"] == "1",
                    rx.badge(rx.icon("sparkles", size=12), t("mkt.update_available"), " · v",
                             r["latest"], color_scheme="orange", variant="soft",
                             class_name="update-badge")),
            spacing="2", align="center")),
        rx.table.cell(rx.cond(
            r["update"] == "1",
            rx.vstack(
                rx.cond(r["changelog"] != "", rx.text(r["changelog"], size="1",
                                                      color_scheme="gray")),
                rx.cond(r["changes"] != "", rx.text(r["changes"], size="1", color_scheme="gray",
                                                    class_name="update-changes")),
                rx.cond(
                    r["edited"] == "1",
                    rx.vstack(
                        rx.text(t("mkt.edited_warning"), size="1", color_scheme="orange",
                                class_name="edited-warning"),
                        rx.button(t("mkt.update_confirm"), size="1", color_scheme="orange",
                                  variant="soft", class_name="upgrade-button",
                                  on_click=upgrade_handler(r["id"], True)),
                        spacing="1", align="start"),
                    rx.button(rx.icon("download", size=12), t("mkt.update"), size="1",
                              class_name="upgrade-button",
                              on_click=upgrade_handler(r["id"], False)),
                ),
                spacing="1", align="start"),
            rx.link(rx.button(t("flows.test"), size="1", variant="outline"),
                    href="/instances/" + r["instance_id"] + "/simulator"),
        )),
        class_name="install-row",
    )


def installs_table(rows: rx.Var, upgrade_handler) -> rx.Component:
    return rx.table.root(
        rx.table.header(rx.table.row(
            rx.table.column_header_cell(t("common.name")),
            rx.table.column_header_cell(t("mkt.instance")),
            rx.table.column_header_cell(t("mkt.version")),
            rx.table.column_header_cell(t("common.actions")),
        )),
        rx.table.body(rx.foreach(rows, lambda r: install_row(r, upgrade_handler))),
        width="100%",
    )


def marketplace_page() -> rx.Component:
    s = MarketplaceState
    filters = rx.flex(
        rx.input(rx.input.slot(rx.icon("search", size=16)), placeholder=t("mkt.search"),
                 value=s.search, on_change=s.set_search_text.debounce(300), id="mkt-search",
                 size="2", min_width="240px", flex="1"),
        _select(s.niche, s.set_niche_filter, "mkt.all_niches",
                [(n, f"niche.{n}") for n in TEMPLATE_NICHES], "filter-niche"),
        _select(s.category, s.set_category_filter, "mkt.all_categories",
                [(c, f"mkt.cat.{c}") for c in TEMPLATE_CATEGORIES], "filter-category"),
        _select(s.price, s.set_price_filter, "mkt.all_prices",
                [("free", "mkt.free"), ("paid", "mkt.paid")], "filter-price"),
        spacing="3", wrap="wrap", width="100%", margin_bottom="20px",
    )
    grid = rx.cond(
        s.cards.length() > 0,
        rx.grid(rx.foreach(s.cards, _card), columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                spacing="4", width="100%"),
        card(rx.text(t("mkt.empty"), color_scheme="gray", id="mkt-empty")),
    )
    installed = rx.cond(
        s.installs.length() > 0,
        rx.vstack(
            rx.heading(t("mkt.my_installs"), size="5", margin_top="32px"),
            card(installs_table(s.installs, s.upgrade)),
            width="100%", spacing="3", id="my-installs",
        ),
    )
    return app_shell(
        page_header("mkt.title", "mkt.subtitle"),
        filters,
        grid,
        installed,
        ready=s.loaded,
    )
