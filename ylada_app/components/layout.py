"""The app shell: sidebar navigation, tenant switcher, language toggle, user menu."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.texts import t
from ylada_app.state.brand import BrandState
from ylada_app.state.session import SessionState

BRAND = "#128C7E"


def logo(size: str = "6", *, compact: bool = False) -> rx.Component:
    """The brand's logo and name (white label: the business's own, else the platform's).
    Nothing until the brand is known, so a branded page never flashes another name."""
    return rx.fragment(rx.cond(
        BrandState.brand_ready,
        rx.hstack(
            rx.cond(
                BrandState.brand_logo != "",
                rx.image(src=BrandState.brand_logo, alt=BrandState.brand_name, height="36px",
                         max_width="170px" if compact else "160px", object_fit="contain",
                         id="brand-logo"),
                rx.center(
                    rx.icon("message-circle", color="white", size=18),
                    background=BrandState.brand_color, border_radius="10px", width="32px",
                    height="32px",
                ),
            ),
            # in the menu (compact) a logo stands alone: it usually carries the name, and the
            # menu is too narrow for both (the name stays in the logo's alt and the title)
            rx.cond(BrandState.brand_logo != "", rx.fragment(), _brand_name(size))
            if compact else _brand_name(size),
            align="center",
            spacing="2",
            min_width="0",
        ),
        rx.box(height="36px"),
    ), rx.el.span(hidden=True, on_mount=BrandState.load_brand))


def _brand_name(size: str) -> rx.Component:
    return rx.heading(BrandState.brand_name, size=size, weight="bold",
                      color=BrandState.brand_color, id="brand-name", white_space="nowrap",
                      overflow="hidden", text_overflow="ellipsis", min_width="0")


def powered_by() -> rx.Component:
    """On a business's brand, a discreet platform credit — unless it chose to hide the name."""
    return rx.cond(BrandState.brand_custom & ~BrandState.brand_hide,
                   rx.text(t("brand.powered_by"), size="1", color_scheme="gray",
                           id="powered-by"))


def brand_style() -> rx.Component:
    """The brand's accent colour as CSS variables on `.brand-root` (Radix accent and the
    jade scale the shell uses); logo() loads the brand (and sets its favicon and title)."""
    return rx.el.style(BrandState.brand_css)


def _nav_item(icon: str, label_key: str, href: str, *, not_under: tuple[str, ...] = ()
              ) -> rx.Component:
    path = SessionState.router.url.path
    active = path.startswith(href)
    for other in not_under:  # a sibling section that lives under this prefix
        active = active & ~path.startswith(other)
    return rx.link(
        rx.hstack(
            rx.icon(icon, size=18),
            rx.text(t(label_key), size="3"),
            align="center",
            spacing="3",
            padding_x="12px",
            padding_y="8px",
            border_radius="8px",
            width="100%",
            background=rx.cond(active, rx.color("jade", 3), "transparent"),
            color=rx.cond(active, rx.color("jade", 11), rx.color("gray", 12)),
            _hover={"background": rx.color("jade", 2)},
        ),
        href=href,
        underline="none",
        width="100%",
        id=f"nav-{href.strip('/').replace('/', '-')}",
        on_click=SessionState.close_menu,  # (phones: the menu was open over the page)
    )


def _nav_group(label_key: str) -> rx.Component:
    """A small heading over a few related items (a new business meets five groups, not
    twenty links)."""
    return rx.text(t(label_key), size="1", weight="medium", color=rx.color("gray", 11),
                   padding_x="12px", padding_top="10px", text_transform="uppercase",
                   letter_spacing="0.04em")


# The pages under "Configurações": the group is open while one of them is shown.
_SETTINGS_PATHS = ("/team", "/settings", "/agency", "/privacy")


def _settings_group(*items: rx.Component) -> rx.Component:
    """Team, API, brand, agency, webhooks, privacy and audit: set up once, then rarely
    visited — folded under one item."""
    path = SessionState.router.url.path
    inside = path.startswith(_SETTINGS_PATHS[0])
    for prefix in _SETTINGS_PATHS[1:]:
        inside = inside | path.startswith(prefix)
    return rx.el.details(
        rx.el.summary(
            rx.hstack(rx.icon("settings", size=18), rx.text(t("nav.settings"), size="3"),
                      rx.spacer(), rx.icon("chevron-down", size=14, class_name="nav-chevron"),
                      align="center", spacing="3", width="100%"),
            padding="8px 12px", border_radius="8px", cursor="pointer", list_style="none",
            color=rx.color("gray", 12), _hover={"background": rx.color("jade", 2)},
            id="nav-settings-group",
        ),
        rx.vstack(*items, spacing="1", width="100%", padding_left="10px"),
        open=inside, width="100%", class_name="nav-settings",
    )


def tenant_switcher() -> rx.Component:
    return rx.vstack(
        rx.text(t("nav.tenant"), size="1", color_scheme="gray", weight="medium"),
        rx.select.root(
            rx.select.trigger(width="100%", id="tenant-switcher", aria_label=t("nav.tenant")),
            rx.select.content(
                rx.foreach(
                    SessionState.tenants,
                    lambda ten: rx.select.item(ten["name"], value=ten["id"]),
                )
            ),
            value=SessionState.tenant_key,
            on_change=SessionState.switch_tenant,
            size="2",
        ),
        spacing="1",
        width="100%",
    )


def _notification(n: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.cond(n["read"] == "", rx.box(width="8px", height="8px", border_radius="50%",
                                            background=rx.color("jade", 9), min_width="8px",
                                            margin_top="6px")),
            rx.vstack(rx.text(n["title"], size="2", weight="medium"),
                      rx.text(n["body"], size="1", color_scheme="gray"),
                      rx.text(n["when"], size="1", color_scheme="gray"), spacing="0"),
            spacing="2", align="start",
        ),
        on_click=SessionState.open_notification(n["id"], n["conversation"]),
        cursor="pointer", padding="8px", border_radius="8px", width="100%",
        _hover={"background": rx.color("jade", 2)}, class_name="bell-item",
    )


def bell() -> rx.Component:
    """Team notifications: unread count, live; the latest few in a popover. The popover's
    trigger is the button itself (a wrapping box got aria-expanded, which a box may not have)."""
    return rx.box(
        rx.popover.root(
            rx.popover.trigger(
                rx.icon_button(rx.icon("bell", size=18), variant="ghost", color_scheme="gray",
                               size="2", id="bell", aria_label=t("bell.title"))),
            rx.popover.content(
                rx.vstack(
                    rx.hstack(rx.text(t("bell.title"), weight="bold"), rx.spacer(),
                              rx.cond(SessionState.bell_count > 0, rx.link(
                                  t("bell.read_all"), size="1", cursor="pointer",
                                  on_click=SessionState.read_all_notifications)),
                              width="100%"),
                    rx.cond(SessionState.bell_items.length() == 0,
                            rx.text(t("bell.empty"), size="2", color_scheme="gray")),
                    rx.foreach(SessionState.bell_items, _notification),
                    spacing="1", width="300px",
                ),
            ),
        ),
        rx.cond(SessionState.bell_count > 0, rx.badge(
            SessionState.bell_count, variant="solid", color_scheme="red", radius="full",
            size="1", position="absolute", top="-4px", right="-6px", id="bell-count",
            pointer_events="none")),
        position="relative",
        on_mount=SessionState.watch_bell,
    )


def sidebar() -> rx.Component:
    return rx.vstack(
        rx.hstack(logo(compact=True), rx.spacer(),
                  rx.cond(SessionState.tenant_key != "", bell()),
                  width="100%", align="center"),
        rx.cond(SessionState.tenants.length() > 0, tenant_switcher()),
        rx.vstack(
            rx.cond(
                SessionState.tenant_role == "agent",
                rx.fragment(_nav_item("messages-square", "nav.inbox", "/inbox"),
                            _nav_item("contact", "nav.contacts", "/contacts")),
            ),
            rx.cond(
                (SessionState.tenant_key != "") & (SessionState.tenant_role != "agent"),
                rx.fragment(
                    _nav_item("layout-dashboard", "nav.dashboard", "/dashboard"),
                    _nav_group("nav.group.service"),
                    _nav_item("messages-square", "nav.inbox", "/inbox"),
                    _nav_item("contact", "nav.contacts", "/contacts"),
                    _nav_group("nav.group.automation"),
                    _nav_item("smartphone", "nav.instances", "/instances"),
                    _nav_item("workflow", "nav.flows", "/flows"),
                    _nav_item("store", "nav.marketplace", "/marketplace"),
                    _nav_item("megaphone", "nav.broadcasts", "/broadcasts"),
                    _nav_item("sparkles", "nav.ai", "/ai"),
                    _nav_group("nav.group.account"),
                    _nav_item("chart-column", "nav.analytics", "/analytics"),
                    _nav_item("gauge", "nav.usage", "/usage"),
                    _nav_item("credit-card", "nav.billing", "/billing"),
                    _settings_group(
                        _nav_item("users", "nav.team", "/team"),
                        _nav_item("key-round", "nav.api", "/settings/api"),
                        rx.cond(SessionState.tenant_role == "owner",
                                _nav_item("palette", "nav.brand", "/settings/brand")),
                        _nav_item("building-2", "nav.agency", "/agency"),
                        _nav_item("webhook", "nav.webhooks", "/settings/webhooks"),
                        rx.cond(SessionState.tenant_role == "owner",
                                _nav_item("shield-check", "nav.privacy", "/settings/privacy")),
                        _nav_item("file-lock", "nav.privacy_requests", "/privacy/requests"),
                        _nav_item("scroll-text", "nav.audit", "/settings/audit"),
                    ),
                ),
            ),
            _nav_item("circle-plus", "nav.new_tenant", "/tenants/new"),
            rx.cond(SessionState.is_admin, rx.fragment(
                _nav_item("chart-pie", "nav.admin_dashboard", "/admin/dashboard"),
                _nav_item("shield", "nav.admin", "/admin",
                          not_under=("/admin/templates", "/admin/dashboard", "/admin/audit",
                                     "/admin/legal")),
                _nav_item("layout-template", "nav.admin_templates", "/admin/templates"),
                _nav_item("chart-line", "nav.admin_billing", "/revenue"),
                _nav_item("scroll-text", "nav.admin_audit", "/admin/audit"),
                _nav_item("file-text", "nav.admin_legal", "/admin/legal"),
            )),
            spacing="1",
            width="100%",
        ),
        rx.spacer(),
        rx.vstack(
            rx.link(
                rx.vstack(
                    rx.text(SessionState.user_name, size="2", weight="medium"),
                    rx.text(SessionState.user_email, size="1", color_scheme="gray"),
                    spacing="0",
                ),
                href="/account", underline="none", color=rx.color("gray", 12), id="nav-account",
                title=t("nav.account"),
            ),
            rx.hstack(
                rx.button(
                    rx.icon("languages", size=14), t("nav.language"), variant="soft",
                    color_scheme="gray", size="1", on_click=SessionState.toggle_lang,
                    id="lang-toggle",
                ),
                rx.button(
                    rx.icon("log-out", size=14), t("nav.logout"), variant="soft",
                    color_scheme="gray", size="1", on_click=SessionState.logout, id="logout",
                ),
                spacing="2",
            ),
            powered_by(),
            spacing="1",
            width="100%",
        ),
        width="250px",
        min_width="250px",
        height="100vh",
        # on a short screen the menu scrolls, so the account and "Sair" stay reachable
        overflow_y="auto",
        position="sticky",
        top="0",
        padding="20px",
        spacing="5",
        background="white",
    )


def loading_block() -> rx.Component:
    return rx.center(rx.spinner(size="3"), padding="80px", width="100%")


def billing_banner() -> rx.Component:
    """Trial days left, quota warnings, payment problems: one line, with the way out."""
    return rx.cond(
        SessionState.banner_text != "",
        rx.callout.root(
            rx.callout.icon(rx.cond(SessionState.banner_level == "info",
                                    rx.icon("info", size=16),
                                    rx.icon("triangle-alert", size=16))),
            rx.callout.text(
                SessionState.banner_text, " ",
                rx.link(t("banner.action"), href="/billing", weight="bold", id="banner-link"),
            ),
            color_scheme=rx.match(SessionState.banner_level, ("danger", "red"),
                                  ("warn", "amber"), "jade"),
            variant="surface",
            margin_bottom="20px",
            id="billing-banner",
        ),
    )


def closed_banner() -> rx.Component:
    """A business its owner closed: everything is read-only until it is reopened or erased."""
    return rx.callout.root(
        rx.callout.icon(rx.icon("lock", size=16)),
        rx.callout.text(t("closure.banner"), " ",
                        rx.cond(SessionState.tenant_role == "owner",
                                rx.link(t("closure.banner_action"), href="/settings/privacy",
                                        weight="bold"))),
        color_scheme="red", variant="surface", margin_bottom="20px", id="closed-banner",
    )


def verify_banner() -> rx.Component:
    """Until the e-mail is confirmed: what is locked, and a way to get the link again."""
    return rx.cond(
        ~SessionState.email_verified,
        rx.callout.root(
            rx.callout.icon(rx.icon("mail-warning", size=16)),
            rx.callout.text(
                t("verify.banner"), " ",
                rx.link(t("verify.resend"), on_click=SessionState.resend_verification,
                        weight="bold", id="resend-verification", cursor="pointer"),
            ),
            color_scheme="amber", variant="surface", margin_bottom="20px", id="verify-banner",
        ),
    )


def mobile_bar() -> rx.Component:
    """Phones (assets/layout.css): the 250 px menu column squeezed every page to ~140 px;
    there it is hidden, and this bar's button opens it over the page."""
    return rx.hstack(
        rx.icon_button(rx.icon("menu", size=20), variant="soft", color_scheme="gray", size="3",
                       on_click=SessionState.toggle_menu, aria_label=t("nav.menu"),
                       id="mobile-menu"),
        rx.text(SessionState.tenant_name, weight="medium", size="3", trim="both"),
        align="center", spacing="3", margin_bottom="16px", class_name="mobile-bar",
    )


def app_shell(*content: rx.Component, ready: rx.Var | None = None) -> rx.Component:
    """A protected page: nothing of it renders until the session check has passed."""
    body = rx.box(
        rx.cond(SessionState.authed, mobile_bar()),
        rx.cond(SessionState.authed, verify_banner()),
        rx.cond(SessionState.authed, billing_banner()),
        rx.cond(SessionState.tenant_status == "closed", closed_banner()),
        rx.cond(ready if ready is not None else SessionState.authed, rx.fragment(*content),
                loading_block()),
        flex="1",
        padding=["16px", "24px", "32px 40px"],
        max_width="1200px",
        width="100%",
        # a flex item may shrink below its content's width: a wide table then scrolls in its
        # card instead of pushing the page past the screen's edge (1366 px laptops)
        min_width="0",
    )
    return rx.hstack(
        brand_style(),
        # The column stretches to the page's full height with the menu's background, so a long
        # page never shows the menu's colour stopping half-way; the menu itself stays sticky.
        rx.cond(SessionState.authed, rx.box(
            sidebar(), align_self="stretch", background="white", min_width="250px",
            border_right=f"1px solid {rx.color('gray', 4)}",
            class_name=rx.cond(SessionState.menu_open, "sidebar-column open",
                               "sidebar-column"))),
        rx.box(class_name=rx.cond(SessionState.menu_open, "menu-backdrop open",
                                  "menu-backdrop"), on_click=SessionState.close_menu),
        body,
        spacing="0",
        align="start",
        min_height="100vh",
        background=rx.color("gray", 2),
        width="100%",
        class_name="brand-root",
    )


# Which guide page explains which screen (the "?" next to a page's title).
HELP_TOPICS = {
    "dashboard.title": "primeiros-passos", "onboarding.title": "primeiros-passos",
    "flows.title": "fluxos", "editor.title": "fluxos", "mkt.title": "marketplace",
    "ai.title": "ia", "instances.title": "whatsapp", "templates.title": "whatsapp",
    "connect.title": "whatsapp", "health.title": "whatsapp", "billing.title": "cobranca",
    "usage.title": "cobranca", "contacts.title": "lgpd", "account.title": "lgpd",
    "apikeys.title": "api", "webhooks.title": "api",
}


def help_link(topic: str) -> rx.Component:
    return rx.link(rx.icon("circle-help", size=20), href=f"/help/{topic}",
                   title=t("help.open"), aria_label=t("help.open"), color_scheme="gray",
                   class_name="help-link")


def page_header(title_key: str, subtitle_key: str | None = None, *actions) -> rx.Component:
    topic = HELP_TOPICS.get(title_key)
    return rx.hstack(
        rx.vstack(
            rx.hstack(rx.heading(t(title_key), size="7", weight="bold"),
                      help_link(topic) if topic else rx.fragment(), align="center",
                      spacing="2"),
            rx.text(t(subtitle_key), color_scheme="gray", size="3") if subtitle_key else None,
            spacing="1",
        ),
        rx.spacer(),
        *actions,
        width="100%",
        align="center",
        wrap="wrap",  # on a phone the actions go under the title, not past the screen
        margin_bottom="24px",
    )


def detail_header(back_href, title, *, help_topic: str | None = None, name=None,
                  badge: rx.Component | None = None, actions=()) -> rx.Component:
    """A detail page's title row: back arrow, title, help, the item's name ("· Loja") and a
    badge; the actions sit right on a wide screen and go under the title on a phone (they
    used to run past its edge)."""
    return rx.hstack(
        rx.hstack(
            rx.link(rx.icon("arrow-left", size=18), aria_label=t("a11y.back"), href=back_href),
            rx.heading(title, size=rx.breakpoints(initial="6", md="7")),
            help_link(help_topic) if help_topic else rx.fragment(),
            align="center", spacing="2",
        ),
        rx.text("· ", name, size="5", color_scheme="gray") if name is not None else None,
        badge,
        rx.spacer(),
        *actions,
        align="center", spacing="3", width="100%", wrap="wrap",
    )


def card(*children, **props) -> rx.Component:
    """A white panel; any style given overrides the defaults."""
    style = {"background": "white", "border": f"1px solid {rx.color('gray', 4)}",
             "border_radius": "12px", "padding": "20px", "width": "100%"}
    return rx.box(*children, **{**style, **props})


def not_found_block() -> rx.Component:
    return card(
        rx.vstack(
            rx.icon("search-x", size=32, color=rx.color("gray", 9)),
            rx.heading(t("common.not_found_title"), size="5"),
            rx.text(t("common.not_found_body"), color_scheme="gray"),
            rx.link(t("common.back"), href="/instances"),
            align="center",
            spacing="3",
            padding="32px",
        ),
        id="not-found",
    )


def public_shell(*content: rx.Component) -> rx.Component:
    """Login / sign-up: a centred card on a soft background."""
    return rx.center(
        # present once the page's on_load ran: a form filled before that may be re-drawn
        rx.cond(rx.State.is_hydrated, rx.el.span(id="page-ready", hidden=True)),
        brand_style(),
        rx.vstack(
            logo("7"),
            rx.cond(BrandState.brand_headline != "",
                    rx.text(BrandState.brand_headline, color_scheme="gray", size="3",
                            id="brand-headline", text_align="center"),
                    rx.text(t("app.tagline"), color_scheme="gray", size="3")),
            rx.box(
                *content,
                background="white",
                border=f"1px solid {rx.color('gray', 4)}",
                border_radius="16px",
                padding="32px",
                width="100%",
                box_shadow="0 8px 30px rgba(0,0,0,0.06)",
            ),
            rx.button(
                rx.icon("languages", size=14), t("nav.language"), variant="ghost",
                color_scheme="gray", size="1", on_click=SessionState.toggle_lang,
                id="lang-toggle",
            ),
            powered_by(),
            align="center",
            spacing="4",
            width="100%",
            max_width="440px",
        ),
        min_height="100vh",
        padding="24px",
        background=f"linear-gradient(160deg, {rx.color('jade', 2)} 0%, {rx.color('gray', 2)} 60%)",
        class_name="brand-root",
    )
