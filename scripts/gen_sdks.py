"""Regenerate the SDKs' generated parts from the public API's OpenAPI document.

    python scripts/gen_sdks.py          # write them (make sdk)
    python scripts/gen_sdks.py --check  # exit 1 if the committed ones are stale

Writes `sdks/openapi.json` (the document, keys sorted), `sdks/python/ylada/_core/`
(openapi-python-client: typed models and one module per operation) and
`sdks/node/src/schema.d.ts` (openapi-typescript: types only). Each generated part records
the SHA-256 of the document it came from, so a stale SDK is caught even without the
generators at hand. The hand-written layers (`ylada/client.py`, `src/index.ts`) sit on top.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SDKS = ROOT / "sdks"
DOC = SDKS / "openapi.json"
PY_CORE = SDKS / "python" / "ylada" / "_core"
TS_SCHEMA = SDKS / "node" / "src" / "schema.d.ts"
STAMP = "openapi-sha256: "


def openapi_text() -> str:
    sys.path.insert(0, str(ROOT))
    from ylada_app.api.v1 import create_v1

    return json.dumps(create_v1().openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def gen_python(doc: Path, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "core"
        subprocess.run(["openapi-python-client", "generate", "--path", str(doc), "--meta",
                        "none", "--output-path", str(target), "--overwrite"],
                       check=True, capture_output=True, text=True)
        shutil.rmtree(target / ".ruff_cache", ignore_errors=True)
        init = target / "__init__.py"
        init.write_text(f"# {STAMP}{digest(doc.read_text())}\n" + init.read_text())
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(target, out)


def gen_node(doc: Path, out: Path) -> None:
    node = SDKS / "node"
    tool = node / "node_modules" / ".bin" / "openapi-typescript"
    if not tool.exists():
        subprocess.run(["bun", "install", "--frozen-lockfile"], cwd=node, check=True,
                       capture_output=True)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "schema.d.ts"
        subprocess.run([str(tool), str(doc), "-o", str(target)], check=True,
                       capture_output=True, text=True)
        out.write_text(f"// {STAMP}{digest(doc.read_text())}\n" + target.read_text())


def _tree(path: Path) -> dict[str, str]:
    if path.is_file():
        return {path.name: path.read_text()}
    return {str(p.relative_to(path)): p.read_text() for p in sorted(path.rglob("*.py"))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--only", choices=("python", "node"), default=None)
    args = parser.parse_args(argv)
    text = openapi_text()
    if not args.check:
        DOC.write_text(text)
        if args.only in (None, "python"):
            gen_python(DOC, PY_CORE)
        if args.only in (None, "node"):
            gen_node(DOC, TS_SCHEMA)
        print(f"sdks regenerated from {len(json.loads(text)['paths'])} paths")
        return 0
    stale = []
    if not DOC.exists() or DOC.read_text() != text:
        stale.append("sdks/openapi.json")
    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / "openapi.json"
        doc.write_text(text)
        if args.only in (None, "python"):
            gen_python(doc, Path(tmp) / "core")
            if _tree(Path(tmp) / "core") != _tree(PY_CORE):
                stale.append("sdks/python/ylada/_core")
        if args.only in (None, "node"):
            gen_node(doc, Path(tmp) / "schema.d.ts")
            if (Path(tmp) / "schema.d.ts").read_text() != TS_SCHEMA.read_text():
                stale.append("sdks/node/src/schema.d.ts")
    if stale:
        print("stale (run `make sdk`): " + ", ".join(stale))
        return 1
    print("sdks up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
