"""Logo uploads: decoded and re-encoded, bounded, SVG and polyglots refused or cleaned."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.factories import make_business_owner
from ylada_app.services import brand


def _png(size=(300, 120), color=(10, 91, 211, 255), fmt="PNG") -> bytes:
    buf = io.BytesIO()
    img = Image.new("RGBA" if fmt != "JPEG" else "RGB", size,
                    color if fmt != "JPEG" else color[:3])
    img.save(buf, format=fmt)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_logo_is_reencoded_resized_with_a_square_favicon(fmt):
    logo, favicon = brand.reencode_logo(_png((1200, 400), fmt=fmt))
    assert logo.startswith(b"\x89PNG\r\n\x1a\n") and favicon.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(logo)) as out:
        assert max(out.size) <= 512 and out.size == (512, 171)
    with Image.open(io.BytesIO(favicon)) as fav:
        assert fav.size == (64, 64)


def test_png_with_script_appended_comes_out_clean():
    payload = b"<script>alert(document.cookie)</script>"
    logo, favicon = brand.reencode_logo(_png() + payload)
    assert payload not in logo and b"<script" not in favicon
    assert logo.endswith(b"IEND\xaeB`\x82")  # nothing after the PNG's end


def test_text_chunks_and_metadata_are_dropped():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<svg onload=alert(1)>")
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (0, 0, 0)).save(buf, format="PNG", pnginfo=info)
    logo, _ = brand.reencode_logo(buf.getvalue())
    assert b"onload" not in logo and b"Comment" not in logo


def test_big_file_svg_garbage_and_huge_dimensions_are_refused():
    with pytest.raises(brand.ImageRefused) as exc:
        brand.reencode_logo(b"\x89PNG" + b"\0" * (20 * 1024 * 1024))
    assert exc.value.code == "brand.err.image_big"
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'
    with pytest.raises(brand.ImageRefused) as exc:
        brand.reencode_logo(svg)
    assert exc.value.code == "brand.err.image_svg"
    with pytest.raises(brand.ImageRefused) as exc:
        brand.reencode_logo(b"GIF89a" + b"\0" * 100)
    assert exc.value.code == "brand.err.image_type"
    # a small file that declares a 20000 x 20000 picture (decompression bomb)
    buf = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buf, format="PNG")
    assert len(buf.getvalue()) < 1024 * 1024
    with pytest.raises(brand.ImageRefused) as exc:
        brand.reencode_logo(buf.getvalue())
    assert exc.value.code == "brand.err.image_size"


def test_logo_served_only_at_its_current_version_and_only_for_its_brand(db):
    owner = make_business_owner(db, tenant_name="Logo")
    row = brand.set_logo(db, tenant_id=owner.tenant_id, data=_png() + b"<script>x</script>")
    db.commit()
    first = brand.image_bytes(db, brand_id=row.id, kind="logo", version=row.image_version)
    assert first and b"<script>" not in first
    brand.set_logo(db, tenant_id=owner.tenant_id, data=_png(color=(0, 0, 0, 255)))
    db.commit()
    assert brand.image_bytes(db, brand_id=row.id, kind="logo", version=1) is None
    assert brand.image_bytes(db, brand_id=row.id, kind="favicon", version=2)
    assert brand.image_bytes(db, brand_id=row.id, kind="other", version=2) is None


def test_image_route_content_type_and_cache_headers(db):
    from fastapi.testclient import TestClient

    from ylada_app.api.main import create_app

    owner = make_business_owner(db, tenant_name="Rota")
    row = brand.set_logo(db, tenant_id=owner.tenant_id, data=_png())
    db.commit()
    client = TestClient(create_app())
    ok = client.get(f"/brand/{row.id}/logo-{row.image_version}.png")
    assert ok.status_code == 200
    assert ok.headers["content-type"] == "image/png"
    assert "immutable" in ok.headers["cache-control"]
    assert ok.headers["x-content-type-options"] == "nosniff"
    assert client.get(f"/brand/{row.id}/logo-999.png").status_code == 404
    assert client.get(f"/brand/{row.id}/secret-1.png").status_code == 404
