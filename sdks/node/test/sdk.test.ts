// Run against a live ylada API by tests/sdk/test_node_sdk.py (`make test`), which sets:
// YLADA_BASE_URL, YLADA_API_KEY (read+write), YLADA_READ_KEY, YLADA_INSTANCE_ID,
// YLADA_CONTACT_ID, YLADA_WEBHOOK_SECRET, YLADA_WEBHOOK_SAMPLE (a real delivery) and
// YLADA_OTHER_KEY (another business's); the number (a simulator) has the approved template
// "oferta_node" and the pending "em_analise".
import { describe, expect, test } from "bun:test";
import { signWebhook, verifyWebhook, WebhookVerificationError, Ylada, YladaError } from "../src/index";

const env = process.env;
const baseUrl = env.YLADA_BASE_URL!;
const instanceId = Number(env.YLADA_INSTANCE_ID);
const api = new Ylada(env.YLADA_API_KEY!, { baseUrl });

describe("the API", () => {
  test("instances and a contact round trip", async () => {
    const { data } = await api.instances.list();
    expect(data.map((i) => i.id)).toContain(instanceId);
    const created = await api.contacts.upsert({
      instance_id: instanceId, phone: "(11) 93333-0001", name: "Bia", tags: ["node"], fields: { canal: "site" },
    });
    expect(created.phone).toBe("5511933330001");
    expect(created.fields).toEqual({ canal: "site" });
    const changed = await api.contacts.update(created.id, { fields: { canal: null, plano: "pro" } });
    expect(changed.fields).toEqual({ plano: "pro" });
    await api.contacts.delete(created.id);
    await expect(api.contacts.get(created.id)).rejects.toBeInstanceOf(YladaError);
  });

  test("iter walks every page once", async () => {
    for (let i = 0; i < 75; i++) {
      await api.contacts.upsert({ instance_id: instanceId, phone: `1195555${String(i).padStart(4, "0")}`, tags: ["lote-node"] });
    }
    const ids: number[] = [];
    for await (const c of api.contacts.iter({ tag: "lote-node", limit: 20 })) ids.push(c.id);
    expect(ids.length).toBe(75);
    expect(new Set(ids).size).toBe(75);
  });

  test("errors carry the code, the fields and the request id", async () => {
    const err = await api.contacts.upsert({ instance_id: instanceId, phone: "12" }).catch((e) => e);
    expect(err).toBeInstanceOf(YladaError);
    expect(err.errors.phone).toBeTruthy();
    expect(err.requestId).toBeTruthy();
    const sent = await api.messages.send({ contact_id: Number(env.YLADA_CONTACT_ID), type: "text", text: "Olá" }).catch((e) => e);
    expect(sent.status).toBe(400);
    expect(sent.code.startsWith("outbound.")).toBe(true);
    const reader = new Ylada(env.YLADA_READ_KEY!, { baseUrl, language: "en" });
    const denied = await reader.contacts.update(Number(env.YLADA_CONTACT_ID), { name: "X" }).catch((e) => e);
    expect(denied.code).toBe("api.error.scope_write");
    expect(denied.detail).toContain("read scope");
    const usage = await api.usage();
    expect(usage.messages_limit).toBeGreaterThan(0);
    expect(usage.shared_plan).toBe(false);
    expect(usage.plan_usage.messages_out).toBe(0);
    const report = await api.flows.validate({ version: 1, nodes: [], edges: [] });
    expect(report.ok).toBe(false);
  });
});

describe("broadcasts", () => {
  const audience = { tags: ["promo-node"], fields: [{ name: "cidade", value: "campinas" }] };
  const plan = {
    instance_id: instanceId,
    name: "Oferta Node",
    template: "oferta_node",
    variables: [{ source: "name" as const }, { source: "text" as const, value: "20% off" }],
    audience,
  };

  test("estimate, plan once per Idempotency-Key, follow, page through recipients, cancel", async () => {
    const people: [string, string, boolean | null][] = [
      ["11944440001", "Campinas", true],
      ["11944440002", "campinas", true],
      ["11944440003", "Sorocaba", true],
      ["11944440004", "Campinas", null], // never consented: never reached
    ];
    const made: { phone: string }[] = [];
    for (const [phone, cidade, consent] of people) {
      made.push(await api.contacts.upsert({
        instance_id: instanceId, phone, name: `Pessoa ${phone.slice(-1)}`, tags: ["promo-node"],
        fields: { cidade }, opted_in: consent,
      }));
    }
    const reached = made.slice(0, 2).map((c) => c.phone).sort();

    const est = await api.broadcasts.estimate({ instance_id: instanceId, template: "oferta_node", audience });
    expect(est).toMatchObject({ recipients: 2, category: "MARKETING", cost_cents: 0 });

    const first = await api.broadcasts.create(plan, { idempotencyKey: "node-oferta-1" });
    const again = await api.broadcasts.create(plan, { idempotencyKey: "node-oferta-1" });
    expect(again.id).toBe(first.id);
    expect(first.progress.total).toBe(2);
    expect(first.audience.fields).toEqual([{ name: "cidade", op: "equals", value: "campinas" }]);
    const ids: number[] = [];
    for await (const b of api.broadcasts.iter()) ids.push(b.id);
    expect(ids).toEqual([first.id]); // one broadcast

    // sent now: the server's job queues it and the simulator takes the messages
    let b = await api.broadcasts.get(first.id);
    for (const deadline = Date.now() + 30_000; !(b.status === "done" && b.progress.queued === 0) && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 100));
      b = await api.broadcasts.get(first.id);
    }
    expect(b.status).toBe("done");
    const phones: string[] = [];
    for await (const r of api.broadcasts.iterRecipients(first.id, { limit: 1 })) {
      expect(["sent", "delivered", "read"]).toContain(r.status);
      phones.push(r.phone);
    }
    expect(phones.sort()).toEqual(reached);
    const page = await api.broadcasts.recipients(first.id, { limit: 1 });
    expect(page.data.length).toBe(1);
    expect(page.next_cursor).toBeTruthy();
    const finished = await api.broadcasts.cancel(first.id).catch((e) => e);
    expect(finished).toBeInstanceOf(YladaError);
    expect(finished.code).toBe("broadcasts.error.not_open");

    // scheduled in the business's local time (Brasília, UTC-3); then cancelled
    const later = await api.broadcasts.create({ ...plan, name: "Natal", scheduled_at: "2099-12-24T09:00:00" });
    expect(later.status).toBe("scheduled");
    expect(later.scheduled_at.startsWith("2099-12-24T12:00:00")).toBe(true);
    expect((await api.broadcasts.recipients(later.id)).data).toEqual([]);
    expect((await api.broadcasts.list({ limit: 1 })).data.map((x) => x.id)).toEqual([later.id]);

    const other = new Ylada(env.YLADA_OTHER_KEY!, { baseUrl });
    const theirs = await other.broadcasts.cancel(later.id).catch((e) => e);
    expect(theirs.status).toBe(404);
    expect(theirs.code).toBe("broadcasts.error.not_found");
    expect((await other.broadcasts.list()).data).toEqual([]);
    expect((await api.broadcasts.get(later.id)).status).toBe("scheduled");

    const cancelled = await api.broadcasts.cancel(later.id);
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.finished_at).toBeTruthy();
  });

  test("a refusal is a YladaError with each field's message", async () => {
    const before = (await api.broadcasts.list()).data.length;
    const pending = await api.broadcasts.create({ ...plan, template: "em_analise" }).catch((e) => e);
    expect(pending).toBeInstanceOf(YladaError);
    expect(pending.status).toBe(422);
    expect(pending.code).toBe("error.invalid_fields");
    expect(pending.errors.template).toContain("aprovado");
    const badField = await api.broadcasts
      .estimate({ instance_id: instanceId, template: "oferta_node", audience: { fields: [{ name: "cidade do cliente", value: "x" }] } })
      .catch((e) => e);
    expect(badField.status).toBe(422);
    expect(badField.errors["audience.fields.0.name"]).toBeTruthy();
    const english = new Ylada(env.YLADA_API_KEY!, { baseUrl, language: "en" });
    const en = await english.broadcasts.create({ ...plan, template: "em_analise" }).catch((e) => e);
    expect(en.errors.template).toContain("approved");
    expect((await api.broadcasts.list()).data.length).toBe(before); // nothing was planned
  });
});

describe("webhooks", () => {
  const secret = env.YLADA_WEBHOOK_SECRET!;
  const sample = JSON.parse(env.YLADA_WEBHOOK_SAMPLE!) as { body: string; headers: Record<string, string> };

  test("a real ylada delivery verifies", async () => {
    const event = await verifyWebhook(secret, sample.body, sample.headers);
    expect(event.type).toBe("contact.created");
    expect(event.id).toBe(sample.headers["webhook-id"]!);
  });

  test("a changed body, another secret or an old timestamp is refused", async () => {
    const tampered = sample.body.replace("Carla", "Mallory");
    await expect(verifyWebhook(secret, tampered, sample.headers)).rejects.toBeInstanceOf(WebhookVerificationError);
    const other = "whsec_" + btoa("another-secret-of-24-bytes!");
    await expect(verifyWebhook(other, sample.body, sample.headers)).rejects.toBeInstanceOf(WebhookVerificationError);
    const old = Number(sample.headers["webhook-timestamp"]) + 3600;
    await expect(verifyWebhook(secret, sample.body, sample.headers, { now: old })).rejects.toBeInstanceOf(WebhookVerificationError);
  });

  test("signing matches what ylada sends, with a second signature during a rotation", async () => {
    const id = sample.headers["webhook-id"]!;
    const ts = Number(sample.headers["webhook-timestamp"]);
    expect(await signWebhook(secret, id, ts, sample.body)).toBe(sample.headers["webhook-signature"]!.split(" ")[0]!);
    const rotated = { ...sample.headers, "webhook-signature": `v1,AAAA ${sample.headers["webhook-signature"]}` };
    expect((await verifyWebhook(secret, sample.body, rotated)).type).toBe("contact.created");
  });
});
