/**
 * @ylada/sdk — the ylada public API from TypeScript (fetch only, no runtime dependency),
 * typed by `schema.d.ts` (generated from the API's OpenAPI document by openapi-typescript;
 * `make sdk` regenerates it), and `verifyWebhook` for the events ylada POSTs to you.
 *
 *   const api = new Ylada(process.env.YLADA_KEY!, { baseUrl: "https://app.ylada.com.br/api/v1" });
 *   for await (const c of api.contacts.iter({ tag: "vip" })) console.log(c.name);
 *   await api.messages.send({ contact_id: 42, type: "text", text: "Seu pedido saiu 🚚" });
 *
 * Errors throw `YladaError` (status, stable code, detail, per-field errors, requestId).
 * 429 and 502/503/504 (and network failures) are retried with backoff, after Retry-After;
 * a POST only when it carries an Idempotency-Key (messages.send and broadcasts.create
 * always add one).
 */
import type { components, operations } from "./schema";

type S = components["schemas"];
type Query<Op extends keyof operations> = operations[Op]["parameters"] extends { query?: infer Q }
  ? NonNullable<Q>
  : never;
/** The generated request types mark fields with a server default as required: not here. */
type Defaulted<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

export type Contact = S["Contact"];
export type ContactPage = S["ContactPage"];
export type Conversation = S["Conversation"];
export type ConversationPage = S["ConversationPage"];
export type Instance = S["Instance"];
export type MessageOut = S["MessageOut"];
export type MessageIn =
  | S["TextMessage"]
  | S["ButtonsMessage"]
  | S["ListMessage"]
  | S["MediaMessage"]
  | S["TemplateMessage"];
export type Problem = S["Problem"];
export type Broadcast = S["Broadcast"];
export type BroadcastPage = S["BroadcastPage"];
export type BroadcastEstimate = S["BroadcastEstimate"];
export type BroadcastRecipient = S["BroadcastRecipient"];
export type BroadcastRecipientPage = S["BroadcastRecipientPage"];
/** `{ name: "cidade", op: "equals" | "contains" (default equals), value: "Campinas" }` */
export type BroadcastFieldFilter = Defaulted<S["BroadcastFieldFilter"], "op">;
/** Fills one {{n}}: `{ source: "name" | "phone" }`, `{ source: "field", value: "cidade" }`
 *  or `{ source: "text", value: "20% off" }`. */
export type BroadcastVariable = Defaulted<S["BroadcastVariable"], "value">;
/** Every part optional; tags: any of them; fields: all must match. */
export type BroadcastAudience = Omit<S["BroadcastAudience"], "fields"> & { fields?: BroadcastFieldFilter[] };
export type BroadcastEstimateIn = Defaulted<Omit<S["BroadcastEstimateIn"], "audience">, "language"> & {
  audience?: BroadcastAudience;
};
export type BroadcastIn = Defaulted<Omit<S["BroadcastIn"], "audience" | "variables">, "language" | "up_to_quota"> & {
  audience?: BroadcastAudience;
  variables?: BroadcastVariable[];
};
export type WebhookEvent = S["WebhookEvent"];

export interface YladaOptions {
  /** e.g. "https://app.ylada.com.br/api/v1" */
  baseUrl?: string;
  maxRetries?: number;
  /** "pt-BR" (default) or "en" for the error texts */
  language?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class YladaError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: Record<string, string>,
    readonly requestId: string,
  ) {
    super(`${status} ${code}: ${detail}`);
    this.name = "YladaError";
  }
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);

interface RequestOptions {
  query?: Record<string, unknown>;
  body?: unknown;
  idempotencyKey?: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class Ylada {
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(apiKey: string, options: YladaOptions = {}) {
    if (!apiKey) throw new Error("apiKey is required (create one in ylada's API menu)");
    this.baseUrl = (options.baseUrl ?? "http://localhost:3000/api/v1").replace(/\/+$/, "");
    this.headers = {
      authorization: `Bearer ${apiKey}`,
      "accept-language": options.language ?? "pt-BR",
      accept: "application/json",
    };
    this.maxRetries = options.maxRetries ?? 3;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetchFn = options.fetch ?? fetch;
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(opts.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { ...this.headers };
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    if (opts.idempotencyKey) headers["idempotency-key"] = opts.idempotencyKey;
    // POSTs only when refused before any work: 429, or 503 with Retry-After (at capacity)
    const mayRetry = (status: number | null, refused = false) =>
      method === "GET" || Boolean(opts.idempotencyKey) || status === 429 || refused;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetchFn(url, {
          method,
          headers,
          body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        if (attempt >= this.maxRetries || !mayRetry(null)) throw error;
        await sleep(this.backoff(attempt, null));
        continue;
      }
      const refused = response.status === 503 && response.headers.has("retry-after");
      if (RETRY_STATUS.has(response.status) && attempt < this.maxRetries && mayRetry(response.status, refused)) {
        await response.body?.cancel();
        await sleep(this.backoff(attempt, response));
        continue;
      }
      if (response.status === 204) return undefined as T;
      const text = await response.text();
      const parsed = text ? JSON.parse(text) : undefined;
      if (response.ok) return parsed as T;
      const problem = (parsed ?? {}) as Partial<Problem>;
      throw new YladaError(
        response.status,
        problem.code ?? `http_${response.status}`,
        problem.detail ?? text.slice(0, 200),
        (problem.errors as Record<string, string> | null | undefined) ?? {},
        problem.request_id ?? response.headers.get("x-request-id") ?? "",
      );
    }
  }

  private backoff(attempt: number, response: Response | null): number {
    const after = response?.headers.get("retry-after");
    if (after && /^\d+$/.test(after)) return Math.min(Number(after) * 1000, 30_000);
    return Math.min(250 * 2 ** attempt + Math.random() * 100, 30_000);
  }

  private async *pages<T>(path: string, query: Record<string, unknown>): AsyncGenerator<T> {
    let cursor: string | null | undefined = undefined;
    do {
      const page: { data: T[]; next_cursor?: string | null } = await this.request("GET", path, {
        query: { ...query, cursor },
      });
      yield* page.data;
      cursor = page.next_cursor;
    } while (cursor);
  }

  readonly instances = {
    list: () => this.request<S["InstanceList"]>("GET", "/instances"),
    get: (id: number) => this.request<Instance>("GET", `/instances/${id}`),
    health: (id: number) => this.request<S["InstanceHealth"]>("GET", `/instances/${id}/health`),
  };

  readonly contacts = {
    list: (query: Query<"list_contacts"> = {}) =>
      this.request<ContactPage>("GET", "/contacts", { query }),
    /** Every contact matching the filters, page after page. */
    iter: (query: Omit<Query<"list_contacts">, "cursor"> = {}) =>
      this.pages<Contact>("/contacts", query),
    get: (id: number) => this.request<Contact>("GET", `/contacts/${id}`),
    /** Create or update the number's contact with this phone (any usual format). */
    upsert: (body: S["ContactUpsert"]) => this.request<Contact>("POST", "/contacts", { body }),
    update: (id: number, body: S["ContactPatch"]) =>
      this.request<Contact>("PATCH", `/contacts/${id}`, { body }),
    delete: (id: number) => this.request<void>("DELETE", `/contacts/${id}`),
  };

  readonly conversations = {
    list: (query: Query<"list_conversations"> = {}) =>
      this.request<ConversationPage>("GET", "/conversations", { query }),
    iter: (query: Omit<Query<"list_conversations">, "cursor"> = {}) =>
      this.pages<Conversation>("/conversations", query),
    get: (id: number) => this.request<Conversation>("GET", `/conversations/${id}`),
    messages: (id: number, query: Query<"list_messages"> = {}) =>
      this.request<S["MessagePage"]>("GET", `/conversations/${id}/messages`, { query }),
    assign: (id: number, assigneeUserId: number | null) =>
      this.request<Conversation>("POST", `/conversations/${id}/assign`, {
        body: { assignee_user_id: assigneeUserId },
      }),
    resolve: (id: number) => this.request<Conversation>("POST", `/conversations/${id}/resolve`),
    handOff: (id: number) => this.request<Conversation>("POST", `/conversations/${id}/handoff`),
    returnToBot: (id: number, flowId?: number) =>
      this.request<Conversation>("POST", `/conversations/${id}/return-to-bot`, {
        body: flowId === undefined ? {} : { flow_id: flowId },
      }),
  };

  readonly messages = {
    /** Through ylada's outbox; a retry with the same idempotencyKey (one is made) sends once. */
    send: (message: MessageIn, options: { idempotencyKey?: string } = {}) =>
      this.request<S["MessageQueued"]>("POST", "/messages", {
        body: message,
        idempotencyKey: options.idempotencyKey ?? `sdk-${crypto.randomUUID()}`,
      }),
  };

  readonly flows = {
    list: (query: Query<"list_flows"> = {}) => this.request<S["FlowList"]>("GET", "/flows", { query }),
    get: (id: number) => this.request<S["FlowDetail"]>("GET", `/flows/${id}`),
    validate: (definition: Record<string, unknown>) =>
      this.request<S["FlowValidation"]>("POST", "/flows/validate", { body: definition }),
    start: (flowId: number, contactId: number) =>
      this.request<S["FlowStarted"]>("POST", `/flows/${flowId}/start`, {
        body: { contact_id: contactId },
      }),
  };

  readonly broadcasts = {
    /** Newest first. */
    list: (query: Query<"list_broadcasts"> = {}) => this.request<BroadcastPage>("GET", "/broadcasts", { query }),
    iter: (query: Omit<Query<"list_broadcasts">, "cursor"> = {}) => this.pages<Broadcast>("/broadcasts", query),
    /**
     * Plan a broadcast: an approved template to the number's contacts who consented, now or
     * at `scheduled_at` (ISO 8601; without an offset, the business's local time). A retry
     * with the same idempotencyKey (one is made) plans one broadcast.
     */
    create: (body: BroadcastIn, options: { idempotencyKey?: string } = {}) =>
      this.request<Broadcast>("POST", "/broadcasts", {
        body,
        idempotencyKey: options.idempotencyKey ?? `sdk-${crypto.randomUUID()}`,
      }),
    /** How many people and what it costs; nothing is sent or saved. */
    estimate: (body: BroadcastEstimateIn) =>
      this.request<BroadcastEstimate>("POST", "/broadcasts/estimate", { body }),
    get: (id: number) => this.request<Broadcast>("GET", `/broadcasts/${id}`),
    /** Nothing more is sent (who already got it keeps it); 400 once it has finished. */
    cancel: (id: number) => this.request<Broadcast>("POST", `/broadcasts/${id}/cancel`),
    recipients: (id: number, query: Query<"list_broadcast_recipients"> = {}) =>
      this.request<BroadcastRecipientPage>("GET", `/broadcasts/${id}/recipients`, { query }),
    iterRecipients: (id: number, query: Omit<Query<"list_broadcast_recipients">, "cursor"> = {}) =>
      this.pages<BroadcastRecipient>(`/broadcasts/${id}/recipients`, query),
  };

  usage() {
    return this.request<S["Usage"]>("GET", "/usage");
  }

  analyticsSummary(query: Query<"get_analytics_summary"> = {}) {
    return this.request<S["AnalyticsSummary"]>("GET", "/analytics/summary", { query });
  }

  installedTemplates() {
    return this.request<S["InstalledTemplateList"]>("GET", "/templates/installed");
  }
}

// ---- webhooks ------------------------------------------------------------------------------

export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookVerificationError";
  }
}

function header(headers: Headers | Record<string, string>, name: string): string {
  if (headers instanceof Headers) return headers.get(name) ?? "";
  const found = Object.entries(headers).find(([k]) => k.toLowerCase() === name);
  return found ? found[1] : "";
}

function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function bytesToBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** The `v1,<base64>` signature of a Standard Webhooks message (what ylada sends). */
export async function signWebhook(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    base64ToBytes(secret.replace(/^whsec_/, "")),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return `v1,${bytesToBase64(new Uint8Array(mac))}`;
}

/**
 * The event, if `body` (exactly as received) carries a valid ylada signature for `secret`
 * (`whsec_…`) and a timestamp within `toleranceS` (5 minutes); throws otherwise. During a
 * secret rotation ylada signs with both secrets: either one verifies.
 */
export async function verifyWebhook(
  secret: string,
  body: string,
  headers: Headers | Record<string, string>,
  options: { toleranceS?: number; now?: number } = {},
): Promise<WebhookEvent> {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError("missing webhook headers");
  const ts = Number(timestamp);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (!Number.isInteger(ts) || Math.abs(now - ts) > (options.toleranceS ?? 300)) {
    throw new WebhookVerificationError("timestamp outside the tolerance");
  }
  const expected = base64ToBytes((await signWebhook(secret, id, ts, body)).slice(3));
  for (const candidate of signatures.split(" ")) {
    const [version, value] = candidate.split(",");
    if (version !== "v1" || !value) continue;
    let given: Uint8Array;
    try {
      given = base64ToBytes(value);
    } catch {
      continue;
    }
    if (sameBytes(given, expected)) return JSON.parse(body) as WebhookEvent;
  }
  throw new WebhookVerificationError("no matching signature");
}
