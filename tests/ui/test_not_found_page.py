"""A wrong address (an old link, a typed /simulator) shows a page of ours in the visitor's
language with a way back — not Reflex's bare "404: Page not found" in English on white."""

from __future__ import annotations


def test_unknown_addresses_get_the_apps_own_page_with_a_way_back():
    from ylada_app.pages.not_found import not_found_page
    from ylada_app.ylada_app import app

    page = app._unevaluated_pages["404"]
    assert page.component is not_found_page
    rendered = str(not_found_page().render())
    assert "404: Page not found" not in rendered
    assert "/dashboard" in rendered and "not-found-home" in rendered
