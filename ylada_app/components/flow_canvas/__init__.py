"""`flow_canvas(...)`: the React Flow 12 editor canvas as one Reflex component.

The JS lives in flow_editor.js (a real file, read by add_custom_code). React Flow keeps the
nodes in the browser; Python gets finished actions through `on_action` and pushes a whole
graph (`graph`, on load/import/restore), changed nodes (`patch`), validation `marks` and
the `active` node of the test chat. See the header of flow_editor.js.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import reflex as rx
from reflex.vars.function import FunctionStringVar

XYFLOW = "@xyflow/react"
XYFLOW_VERSION = "12.12.1"
_JS = Path(__file__).with_name("flow_editor.js")
_ICONS = ["Play", "MessageSquare", "CircleHelp", "GitBranch", "Variable", "Tag", "Globe",
          "Bot", "Headphones", "Clock", "CornerDownRight", "Target", "CircleStop", "Shuffle",
          "FileText", "ShieldCheck", "AlarmClock", "Undo2", "Redo2", "Copy", "Trash2"]
_FLOW_EXPORTS = ["ReactFlow", "ReactFlowProvider", "Handle", "Position", "useReactFlow",
                 "useUpdateNodeInternals", "useNodesInitialized", "useNodesState",
                 "useEdgesState", "Background", "Controls", "MiniMap", "Panel", "MarkerType"]
DRAG_MIME = "application/ylada-node"


class FlowCanvas(rx.Component):
    tag = "YladaFlowEditor"
    lib_dependencies: list[str] = [f"{XYFLOW}@{XYFLOW_VERSION}"]

    graph: rx.Var[dict[str, Any]]
    patch: rx.Var[dict[str, Any]]
    marks: rx.Var[dict[str, str]]
    active: rx.Var[str]
    focus: rx.Var[dict[str, Any]]
    labels: rx.Var[dict[str, Any]]  # texts, and "words": placeholder path → owner word
    defaults: rx.Var[dict[str, Any]]

    on_action: rx.EventHandler[rx.event.passthrough_event_spec(dict[str, Any])]

    def add_imports(self) -> dict[str, Any]:
        return {
            f"{XYFLOW}@{XYFLOW_VERSION}": [rx.ImportVar(tag=name) for name in _FLOW_EXPORTS],
            "react": [rx.ImportVar(tag=name) for name in (
                "useState", "useEffect", "useCallback", "useMemo", "useRef", "useContext",
                "createContext")],
            "lucide-react": [rx.ImportVar(tag=name) for name in _ICONS],
            "": [f"{XYFLOW}/dist/style.css"],
        }

    def add_custom_code(self) -> list[str]:
        return [_JS.read_text(encoding="utf-8")]


flow_canvas = FlowCanvas.create


def palette_item(kind: str, label: rx.Var | str, icon: str, color: str,
                 on_add: Any = None) -> rx.Component:
    """A palette entry dragged onto the canvas with real HTML5 drag and drop — and a real
    button, so a click or the keyboard (Tab to it, Enter/Space) adds it next to the selected
    block."""
    extra = {"on_click": on_add} if on_add is not None else {}
    return rx.el.button(
        rx.hstack(
            rx.center(rx.icon(icon, size=14, color="white"), background=color,
                      border_radius="6px", width="24px", height="24px", flex_shrink="0"),
            rx.text(label, size="2"),
            align="center", spacing="2",
        ),
        type="button",
        draggable=True,
        custom_attrs={"onDragStart": FunctionStringVar.create(
            f"(e) => {{ e.dataTransfer.setData('{DRAG_MIME}', '{kind}'); "
            "e.dataTransfer.effectAllowed = 'move'; }")},
        id=f"palette-{kind}",
        class_name="palette-item",
        style={"padding": "6px 8px", "border_radius": "8px", "text_align": "left",
               "border": f"1px solid {rx.color('gray', 5)}", "background": "white",
               "cursor": "grab", "width": "100%", "color": "inherit", "font": "inherit"},
        _hover={"background": rx.color("jade", 2)},
        **extra,
    )
