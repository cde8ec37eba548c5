// ylada's flow canvas: React Flow 12 holding the graph in local React state.
//
// Read by ylada_app/components/flow_canvas/__init__.py through add_custom_code(): no import
// lines here — the wrapper's add_imports() brings ReactFlow, the hooks and the icons.
//
// Python learns FINISHED actions only (props.onAction): a drop, a drag stop, a connection,
// a deletion, a duplicate, an undo/redo (as a "replace" of the whole graph), a click.
// Drag ticks, selection and measurements stay here. Python pushes back:
//   graph  {rev, nodes, edges}   a whole new graph (load, import, restore); rev changes
//   patch  {seq, nodes: [{id, data}], removeEdges: [ids]}   inspector edits
//   marks  {nodeId: "error" | "warning"}   validation marks drawn on the nodes
//   active nodeId               the node the test chat is parked on
//   focus  {seq, id}            centre the view on a node and select it

// Header colours dark enough for white text (WCAG AA, 4.5:1).
const YLADA_KINDS = {
  start: { color: "#15803d", icon: Play },
  message: { color: "#0369a1", icon: MessageSquare },
  question: { color: "#6d28d9", icon: CircleHelp },
  condition: { color: "#a14a06", icon: GitBranch },
  set_variable: { color: "#0e7490", icon: Variable },
  tag: { color: "#be185d", icon: Tag },
  http_request: { color: "#4f46e5", icon: Globe },
  ai_reply: { color: "#7e22ce", icon: Bot },
  handoff: { color: "#c2410c", icon: Headphones },
  delay: { color: "#475569", icon: Clock },
  goto_flow: { color: "#0f766e", icon: CornerDownRight },
  goal: { color: "#8a5a00", icon: Target },
  randomizer: { color: "#1d4ed8", icon: Shuffle },
  template: { color: "#047857", icon: FileText },
  consent: { color: "#3f6212", icon: ShieldCheck },
  reminder: { color: "#0e7490", icon: AlarmClock },
  end: { color: "#475569", icon: CircleStop },
};

const YladaEditorCtx = createContext({ marks: {}, active: "", labels: {} });

function yladaShort(text, max) {
  const s = typeof text === "string" ? text : text == null ? "" : String(text);
  return s.length > max ? s.slice(0, max - 1) + "…" : s;
}

// [handle id, label] of every way out of a node, in display order.
function yladaHandles(type, data, labels) {
  const d = data || {};
  if (type === "message") {
    let opts = null;
    if (Array.isArray(d.buttons)) opts = d.buttons;
    else if (Array.isArray(d.sections))
      opts = d.sections.flatMap((s) => (s && Array.isArray(s.rows) ? s.rows : []));
    if (opts && !d.media) {
      return opts
        .filter((o) => o && typeof o.id === "string")
        .map((o) => [o.id, o.title || o.id])
        .concat([["other", labels.h_other || "other"]]);
    }
    return [["out", ""]];
  }
  if (type === "randomizer") {
    // One way out per branch, labelled with its name and share of the contacts.
    const branches = (Array.isArray(d.branches) ? d.branches : []).filter((b) => b && typeof b.id === "string");
    const weight = (b) => (Number.isInteger(b.weight) && b.weight > 0 ? b.weight : 0);
    const total = branches.reduce((sum, b) => sum + weight(b), 0);
    return branches.map((b) => [b.id, (b.label || "?") + (total ? " · " + Math.round((100 * weight(b)) / total) + "%" : "")]);
  }
  const fixed = {
    question: [["ok", labels.h_ok || "ok"], ["invalid", labels.h_invalid || "invalid"]],
    condition: [["true", labels.h_true || "true"], ["false", labels.h_false || "false"]],
    http_request: [["ok", labels.h_ok || "ok"], ["error", labels.h_error || "error"]],
    ai_reply: [["out", ""], ["error", labels.h_error || "error"]],
    reminder: [["out", labels.h_now || "now"], ["later", labels.h_later || "later"]],
    goto_flow: [],
    end: [],
  };
  return fixed[type] || [["out", ""]];
}

// "1 dia", "2 dias": the unit names are plural (pt-BR and English drop the final "s").
function yladaAmount(amount, unit) {
  if (amount === 1 && unit.endsWith("s")) unit = unit.slice(0, -1);
  return (amount ?? "?") + " " + unit;
}

// A stored placeholder as the owner reads it: "{{vars.numero_pedido}}" → "{número pedido}"
// (labels.words holds the page's words for the flow's answers and the customer's data).
function yladaWord(path, labels) {
  const words = labels.words || {};
  if (words[path]) return words[path];
  return String(path || "").replace(/^(vars|contact\.fields|contact)\./, "").replace(/_/g, " ");
}

function yladaWords(text, labels) {
  const s = typeof text === "string" ? text : text == null ? "" : String(text);
  return s.replace(/\{\{\s*((?:vars|contact)(?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*(\|[^{}]*)?\}\}/g,
    (_, path) => "{" + yladaWord(path, labels) + "}");
}

function yladaPreview(type, d, labels) {
  d = d || {};
  const w = (text) => yladaWords(text, labels);
  switch (type) {
    case "start": {
      const kws = (d.triggers || []).flatMap((t) => (t && t.keywords) || []);
      const any = (d.triggers || []).some((t) => t && t.type === "any_message");
      return any ? labels.any_message || "*" : kws.length ? kws.join(", ") : "";
    }
    case "message":
      if (d.media) return "[" + (d.media.kind || "media") + "] " + w(d.media.caption || d.media.url || "");
      return w(d.text);
    case "question":
      return w(d.text) + (d.variable ? "  → " + yladaWord("vars." + d.variable, labels) : "");
    case "condition":
      // in words: "pedido_status está preenchida", never "vars.pedido_status is_set" nor a
      // regex (its pattern is for the panel, not the canvas)
      return (d.rules || [])
        .map((r) => {
          if (!r) return "";
          const left = yladaWord(String(r.left ?? ""), labels);
          if (r.op === "regex") return left + " " + (labels.regex_ok || "");
          const right = ["is_set", "is_not_set"].includes(r.op) ? "" : w(r.right);
          return [left, labels["op_" + r.op] || r.op, right]
            .filter((x) => x !== undefined && x !== null && x !== "").join(" ");
        })
        .join(d.logic === "or" ? " OU " : " E ");
    case "set_variable":
      return yladaWord("vars." + (d.variable || "?"), labels) + (d.mode === "increment" ? " + " : ": ") + w(d.value ?? "");
    case "tag":
      return (d.add || []).map((t) => "+" + t).concat((d.remove || []).map((t) => "−" + t)).join(" ");
    case "http_request":
      return (d.method || "GET") + " " + w(d.url || "");
    case "ai_reply":
      return w(d.prompt);
    case "handoff":
      return w(d.text || d.note || "");
    case "delay":
      return yladaAmount(d.amount, labels["unit_" + d.unit] || d.unit || "");
    case "goto_flow":
      return d.flow_id ? (labels.words || {})["flow:" + d.flow_id] || "" : "";
    case "goal":
      return d.name || "";
    case "template":
      return d.name ? d.name + " (" + (d.language || "pt_BR") + ")" : "";
    case "reminder":
      return yladaAmount(d.before_amount, labels["unit_" + d.before_unit] || d.before_unit || "") + " · " + w(d.date || "?") + (d.time ? " " + w(d.time) : "");
    default:
      return "";
  }
}

function YladaNode({ id, type, data, selected }) {
  const ctx = useContext(YladaEditorCtx);
  const updateNodeInternals = useUpdateNodeInternals();
  const kind = YLADA_KINDS[type] || YLADA_KINDS.message;
  const Icon = kind.icon;
  const handles = yladaHandles(type, data, ctx.labels);
  const handleKey = handles.map((h) => h[0]).join("|");
  // React Flow measures a node's handles when it mounts; only a later change of the set of
  // handles (a button added or removed) needs a re-measure, or new handles cannot connect.
  const seenHandles = useRef(handleKey);
  useEffect(() => {
    if (seenHandles.current === handleKey) return;
    seenHandles.current = handleKey;
    updateNodeInternals(id);
  }, [id, handleKey, updateNodeInternals]);
  const mark = ctx.marks[id];
  const active = ctx.active === id;
  const title = (data && data.label) || ctx.labels["kind_" + type] || type;
  const preview = yladaShort(yladaPreview(type, data, ctx.labels), 90);
  const border = mark === "error" ? "#dc2626" : selected ? "#0f766e" : "#cbd5e1";
  const single = handles.length === 1 && handles[0][1] === "";
  return (
    <div
      className={"ylada-node" + (mark ? " ylada-node-" + mark : "") + (active ? " ylada-node-active" : "")}
      data-kind={type}
      style={{
        width: 220,
        background: "white",
        borderRadius: 10,
        border: "2px solid " + border,
        boxShadow: active
          ? "0 0 0 4px rgba(34,197,94,0.55)"
          : selected
          ? "0 4px 14px rgba(15,118,110,0.25)"
          : "0 1px 3px rgba(0,0,0,0.08)",
        fontSize: 12,
        color: "#0f172a",
      }}
    >
      {type !== "start" && (
        <Handle type="target" position={Position.Left} id="in" style={{ width: 10, height: 10, background: "#94a3b8" }} />
      )}
      <div
        style={{
          display: "flex",
          alignItems: "center",
          gap: 6,
          padding: "6px 8px",
          background: kind.color,
          color: "white",
          borderRadius: "7px 7px 0 0",
          fontWeight: 600,
        }}
      >
        <Icon size={14} />
        <span style={{ flex: 1, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>{title}</span>
        {mark && (
          <span
            className="ylada-node-mark"
            title={mark === "error" ? ctx.labels.has_errors : ctx.labels.has_warnings}
            style={{
              background: mark === "error" ? "#fee2e2" : "#fef3c7",
              color: mark === "error" ? "#b91c1c" : "#92400e",
              borderRadius: 9,
              padding: "0 6px",
              fontSize: 11,
              fontWeight: 700,
            }}
          >
            !
          </span>
        )}
      </div>
      {preview && (
        <div className="ylada-node-preview" style={{ padding: "6px 8px", whiteSpace: "pre-wrap", wordBreak: "break-word", color: "#334155" }}>
          {preview}
        </div>
      )}
      {single ? (
        <Handle type="source" position={Position.Right} id={handles[0][0]} style={{ width: 10, height: 10, background: kind.color }} />
      ) : (
        handles.map(([hid, label]) => (
          <div
            key={hid}
            className="ylada-node-branch"
            style={{ position: "relative", padding: "4px 14px 4px 8px", borderTop: "1px solid #f1f5f9", textAlign: "right", color: "#475569" }}
          >
            {yladaShort(label, 28)}
            <Handle type="source" position={Position.Right} id={hid} style={{ width: 10, height: 10, background: kind.color, right: -7 }} />
          </div>
        ))
      )}
    </div>
  );
}

const YLADA_NODE_TYPES = Object.fromEntries(Object.keys(YLADA_KINDS).map((k) => [k, YladaNode]));
const YLADA_DEFAULT_EDGE = { type: "smoothstep", markerEnd: { type: MarkerType.ArrowClosed } };

function yladaToRF(n) {
  return { id: n.id, type: n.type, position: n.position || { x: 0, y: 0 }, data: n.data || {} };
}

function yladaEdgeToRF(e) {
  return { id: e.id, source: e.source, target: e.target, sourceHandle: e.sourceHandle || "out", targetHandle: "in" };
}

function yladaPlainNodes(nodes) {
  return nodes.map((n) => ({ id: n.id, type: n.type, position: n.position, data: n.data }));
}

function yladaPlainEdges(edges) {
  return edges.map((e) => ({ id: e.id, source: e.source, target: e.target, sourceHandle: e.sourceHandle || "out" }));
}

function yladaId(prefix) {
  return prefix + "-" + Math.random().toString(16).slice(2, 10);
}

// Run `apply` when Python sends a command with a new sequence number. The command present
// at mount is already reflected in the graph being loaded (or stale): it is skipped.
function useNewCommand(seq, apply) {
  const last = useRef("mount");
  useEffect(() => {
    if (last.current === "mount" || seq === undefined) {
      last.current = seq;
      return;
    }
    if (seq === last.current) return;
    last.current = seq;
    apply();
  }, [seq]);
}

function YladaCanvas(props) {
  const { screenToFlowPosition, fitView, deleteElements, setCenter, setViewport, getZoom, getNodes } = useReactFlow();
  const [nodes, setNodes, onNodesChange] = useNodesState([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState([]);
  const nodesInitialized = useNodesInitialized();
  // Props built as object literals arrive as new objects on every page render: key them
  // by content so that the 300 nodes reading the context do not all re-render each time.
  const labelsKey = JSON.stringify(props.labels || {});
  const labels = useMemo(() => JSON.parse(labelsKey), [labelsKey]);
  const marksKey = JSON.stringify(props.marks || {});
  const marks = useMemo(() => JSON.parse(marksKey), [marksKey]);
  const send = props.onAction || (() => {});
  const past = useRef([]);
  const future = useRef([]);
  const current = useRef({ nodes: [], edges: [] });
  const lastRev = useRef(null);
  const fitted = useRef(null);
  current.current = { nodes, edges };

  const snapshot = useCallback(() => ({
    nodes: yladaPlainNodes(current.current.nodes),
    edges: yladaPlainEdges(current.current.edges),
  }), []);
  const record = useCallback(() => {
    past.current.push(snapshot());
    if (past.current.length > 100) past.current.shift();
    future.current = [];
  }, [snapshot]);

  // A whole new graph from Python (load, import, version restore).
  const graph = props.graph || {};
  useEffect(() => {
    if (graph.rev === undefined || graph.rev === lastRev.current) return;
    if (lastRev.current !== null) record();
    lastRev.current = graph.rev;
    setNodes((graph.nodes || []).map(yladaToRF));
    setEdges((graph.edges || []).map(yladaEdgeToRF));
    fitted.current = null;
    // Tell Python the graph arrived, so it can drop it from the state (see _settle_graph).
    if (graph.nodes) send({ kind: "ack", rev: graph.rev });
  }, [graph.rev]);

  useEffect(() => {
    if (nodesInitialized && fitted.current !== lastRev.current) {
      fitted.current = lastRev.current;
      // A long flow fitted whole is unreadable (its text ~4 px high): open it readable, at
      // its start, the rest a pan or the "fit" button away. (fitView is queued by React
      // Flow 12: the zoom it chose is known only once its promise settles.)
      fitView({ padding: 0.15, maxZoom: 1.2 }).then(() => {
        if (getZoom() >= 0.6) return;
        const start = getNodes().find((n) => n.type === "start") || getNodes()[0];
        // the start at the left, and the topmost block near it below the toolbar (a
        // branch drawn above the start is not cut off), where reading begins
        if (start) {
          const top = Math.max(Math.min(...getNodes().map((n) => n.position.y)), start.position.y - 300);
          setViewport({ x: 60 - start.position.x * 0.85, y: 90 - top * 0.85, zoom: 0.85 });
        }
      });
    }
  }, [nodesInitialized, fitView]);

  // Inspector edits: only the changed nodes come over the wire.
  const patch = props.patch || {};
  useNewCommand(patch.seq, () => {
    if (!Array.isArray(patch.nodes)) return;
    record();
    const byId = Object.fromEntries(patch.nodes.map((p) => [p.id, p.data]));
    setNodes((nds) => nds.map((n) => (byId[n.id] !== undefined ? { ...n, data: byId[n.id] } : n)));
    const gone = new Set(patch.removeEdges || []);
    if (gone.size) setEdges((eds) => eds.filter((e) => !gone.has(e.id)));
  });

  // Python asks to bring a node into view (a click on a problem in the side panel).
  const focus = props.focus || {};
  useNewCommand(focus.seq, () => {
    const node = current.current.nodes.find((n) => n.id === focus.id);
    if (!node) return;
    setNodes((nds) => nds.map((n) => (n.selected !== (n.id === focus.id) ? { ...n, selected: n.id === focus.id } : n)));
    const w = (node.measured && node.measured.width) || 220;
    const h = (node.measured && node.measured.height) || 80;
    setCenter(node.position.x + w / 2, node.position.y + h / 2, { zoom: Math.max(getZoom(), 0.9), duration: 300 });
  });

  const onNodeDragStart = useCallback(() => record(), [record]);
  const onNodeDragStop = useCallback((event, node, dragged) => {
    const moved = dragged && dragged.length ? dragged : [node];
    const positions = {};
    moved.forEach((n) => {
      positions[n.id] = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
    });
    send({ kind: "move", positions });
  }, [send]);

  const onConnect = useCallback((conn) => {
    record();
    const edge = { id: yladaId("e"), source: conn.source, target: conn.target, sourceHandle: conn.sourceHandle || "out", targetHandle: "in" };
    setEdges((eds) => eds.filter((e) => !(e.source === edge.source && (e.sourceHandle || "out") === edge.sourceHandle)).concat([edge]));
    send({ kind: "connect", edge: { id: edge.id, source: edge.source, target: edge.target, sourceHandle: edge.sourceHandle } });
  }, [record, send]);

  const onBeforeDelete = useCallback(async () => {
    record();
    return true;
  }, [record]);
  const onDelete = useCallback(({ nodes: dn, edges: de }) => {
    send({ kind: "delete", nodes: dn.map((n) => n.id), edges: de.map((e) => e.id) });
  }, [send]);

  const onDragOver = useCallback((event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
  }, []);
  const onDrop = useCallback((event) => {
    event.preventDefault();
    const type = event.dataTransfer.getData("application/ylada-node");
    if (!type || !YLADA_KINDS[type]) return;
    const position = screenToFlowPosition({ x: event.clientX, y: event.clientY });
    const defaults = (props.defaults || {})[type] || {};
    const node = {
      id: yladaId(type.replace("_", "")),
      type,
      position: { x: Math.round(position.x), y: Math.round(position.y) },
      data: JSON.parse(JSON.stringify(defaults)),
    };
    record();
    setNodes((nds) => nds.map((n) => (n.selected ? { ...n, selected: false } : n)).concat([{ ...node, selected: true }]));
    send({ kind: "add", nodes: [node], edges: [], select: node.id });
  }, [screenToFlowPosition, props.defaults, record, send]);

  const duplicate = useCallback(() => {
    const chosen = current.current.nodes.filter((n) => n.selected && n.type !== "start");
    if (!chosen.length) return;
    record();
    const map = {};
    const copies = chosen.map((n) => {
      map[n.id] = yladaId(n.type.replace("_", ""));
      return { id: map[n.id], type: n.type, position: { x: Math.round(n.position.x + 40), y: Math.round(n.position.y + 60) }, data: JSON.parse(JSON.stringify(n.data || {})) };
    });
    const edgeCopies = current.current.edges
      .filter((e) => map[e.source] && map[e.target])
      .map((e) => ({ id: yladaId("e"), source: map[e.source], target: map[e.target], sourceHandle: e.sourceHandle || "out" }));
    setNodes((nds) => nds.map((n) => (n.selected ? { ...n, selected: false } : n)).concat(copies.map((c) => ({ ...c, selected: true }))));
    setEdges((eds) => eds.concat(edgeCopies.map((e) => ({ ...e, targetHandle: "in" }))));
    send({ kind: "add", nodes: copies, edges: edgeCopies, select: copies.length === 1 ? copies[0].id : "" });
  }, [record, send]);

  const removeSelected = useCallback(() => {
    const dn = current.current.nodes.filter((n) => n.selected);
    const de = current.current.edges.filter((e) => e.selected);
    if (dn.length || de.length) deleteElements({ nodes: dn, edges: de });
  }, [deleteElements]);

  const travel = useCallback((from, to) => {
    const target = from.current.pop();
    if (!target) return;
    to.current.push(snapshot());
    setNodes(target.nodes.map(yladaToRF));
    setEdges(target.edges.map(yladaEdgeToRF));
    send({ kind: "replace", nodes: target.nodes, edges: target.edges });
  }, [snapshot, send]);
  const undo = useCallback(() => travel(past, future), [travel]);
  const redo = useCallback(() => travel(future, past), [travel]);

  const onKeyDown = useCallback((event) => {
    const tag = (event.target && event.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || event.target.isContentEditable) return;
    const mod = event.ctrlKey || event.metaKey;
    if (!mod) return;
    const key = event.key.toLowerCase();
    if (key === "z" && !event.shiftKey) { event.preventDefault(); undo(); }
    else if ((key === "z" && event.shiftKey) || key === "y") { event.preventDefault(); redo(); }
    else if (key === "d") { event.preventDefault(); duplicate(); }
  }, [undo, redo, duplicate]);

  const onNodeClick = useCallback((event, node) => send({ kind: "select", id: node.id }), [send]);
  const onPaneClick = useCallback(() => send({ kind: "select", id: "" }), [send]);

  const ctx = useMemo(() => ({ marks, active: props.active || "", labels }), [marks, props.active, labels]);
  const btn = { display: "flex", alignItems: "center", gap: 4, padding: "4px 8px", border: "1px solid #cbd5e1", borderRadius: 6, background: "white", cursor: "pointer", fontSize: 12 };

  return (
    <YladaEditorCtx.Provider value={ctx}>
      <div style={{ width: "100%", height: "100%" }} onKeyDown={onKeyDown} tabIndex={0} id="flow-canvas">
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={YLADA_NODE_TYPES}
          defaultEdgeOptions={YLADA_DEFAULT_EDGE}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onNodeDragStart={onNodeDragStart}
          onNodeDragStop={onNodeDragStop}
          onConnect={onConnect}
          onBeforeDelete={onBeforeDelete}
          onDelete={onDelete}
          onDrop={onDrop}
          onDragOver={onDragOver}
          onNodeClick={onNodeClick}
          onPaneClick={onPaneClick}
          deleteKeyCode={["Backspace", "Delete"]}
          multiSelectionKeyCode={["Shift", "Meta", "Control"]}
          selectionKeyCode="Shift"
          onlyRenderVisibleElements={nodes.length > 150}
          minZoom={0.05}
          maxZoom={2}
          proOptions={{ hideAttribution: true }}
          ariaLabelConfig={{
            "controls.ariaLabel": labels.rf_controls, "controls.zoomIn.ariaLabel": labels.rf_zoom_in,
            "controls.zoomOut.ariaLabel": labels.rf_zoom_out, "controls.fitView.ariaLabel": labels.rf_fit_view,
            "controls.interactive.ariaLabel": labels.rf_interactive, "minimap.ariaLabel": labels.rf_minimap,
          }}
        >
          <Background gap={20} color="#e2e8f0" />
          <Controls />
          <MiniMap pannable zoomable nodeColor={(n) => (YLADA_KINDS[n.type] || YLADA_KINDS.message).color} />
          <Panel position="top-left">
            <div style={{ display: "flex", gap: 6 }}>
              <button type="button" id="canvas-undo" style={btn} onClick={undo} title={labels.undo + " (Ctrl+Z)"}><Undo2 size={14} />{labels.undo}</button>
              <button type="button" id="canvas-redo" style={btn} onClick={redo} title={labels.redo + " (Ctrl+Shift+Z)"}><Redo2 size={14} />{labels.redo}</button>
              <button type="button" id="canvas-duplicate" style={btn} onClick={duplicate} title={labels.duplicate + " (Ctrl+D)"}><Copy size={14} />{labels.duplicate}</button>
              <button type="button" id="canvas-delete" style={btn} onClick={removeSelected} title={labels.delete + " (Delete)"}><Trash2 size={14} />{labels.delete}</button>
            </div>
          </Panel>
        </ReactFlow>
      </div>
    </YladaEditorCtx.Provider>
  );
}

function YladaFlowEditor(props) {
  return (
    <ReactFlowProvider>
      <YladaCanvas {...props} />
    </ReactFlowProvider>
  );
}
