// Run against a live ylada API by tests/sdk/test_node_sdk.py (`make test`), which sets:
// YLADA_BASE_URL, YLADA_API_KEY (read+write), YLADA_READ_KEY, YLADA_INSTANCE_ID,
// YLADA_CONTACT_ID, YLADA_WEBHOOK_SECRET and YLADA_WEBHOOK_SAMPLE (a real delivery).
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
    const report = await api.flows.validate({ version: 1, nodes: [], edges: [] });
    expect(report.ok).toBe(false);
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
