#!/usr/bin/env bash
# `make run`: the embedded default — SQLite file, in-process jobs, demo data — on one port.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
source scripts/env.sh
PORT="${PORT:-3000}"
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://localhost:$PORT}"
export REFLEX_API_URL="${REFLEX_API_URL:-http://localhost:$PORT}"
ylada migrate >/dev/null
LOGINS="$(ylada seed --demo)"
# The demo stand-ins below are the project's fake servers, each on a free loopback port.
free_port() { python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
demo_secret() { python -c 'import secrets; print(secrets.token_hex(8))'; }
# kept_secret NAME: one generated the first time and kept under the data folder — for what
# the database stores (the demonstration number's token): a second `make run` must find the
# number it connected still working.
kept_secret() {
  local dir="${DATA_DIR:-.data}" file
  file="$dir/$1"
  mkdir -p "$dir"
  [ -s "$file" ] || (umask 077; demo_secret > "$file")
  cat "$file"
}
# start_fake NAME MODULE [ARG...]: ylada_app.testing.MODULE on port $NAME_PORT, in the
# background and quiet; its process id goes to NAME_PID (the EXIT trap stops it).
start_fake() {
  local name="$1" module="$2" port_var="$1_PORT"
  shift 2
  python -m "ylada_app.testing.$module" --port "${!port_var}" "$@" >/dev/null 2>&1 &
  printf -v "${name}_PID" '%s' "$!"
}
PAYMENTS="Stripe (STRIPE_SECRET_KEY)"
if [ -z "${STRIPE_SECRET_KEY:-}" ] && [ "${YLADA_DEMO_PAYMENTS:-1}" = "1" ]; then
  # No Stripe account configured: a local test-payment server stands in for it, so the
  # demo can go through checkout. Nothing is ever charged. YLADA_DEMO_PAYMENTS=0 turns it off.
  STRIPE_PORT="$(free_port)"
  export STRIPE_SECRET_KEY="sk_test_demo" STRIPE_WEBHOOK_SECRET="whsec_demo_$(demo_secret)"
  export STRIPE_API_BASE="http://127.0.0.1:$STRIPE_PORT"
  start_fake STRIPE fake_stripe --webhook-url "http://localhost:$PORT/webhooks/stripe" \
    --webhook-secret "$STRIPE_WEBHOOK_SECRET"
  PAYMENTS="pagamentos de teste locais (nada é cobrado)"
fi
if [ -z "${ASAAS_API_KEY:-}" ] && [ "${YLADA_DEMO_PAYMENTS:-1}" = "1" ]; then
  # The same for Asaas (Pix, boleto): its invoice page has a "Pagar agora (teste)" button
  # that marks the charge paid and posts the webhook.
  ASAAS_PORT="$(free_port)"
  export ASAAS_API_KEY='$aact_demo' ASAAS_WEBHOOK_TOKEN="asaas_demo_$(demo_secret)"
  export ASAAS_API_BASE="http://127.0.0.1:$ASAAS_PORT/v3"
  start_fake ASAAS fake_asaas --webhook-url "http://localhost:$PORT/webhooks/asaas" \
    --webhook-token "$ASAAS_WEBHOOK_TOKEN"
  PAYMENTS="pagamentos de teste locais (nada é cobrado)"
fi
if [ -z "${MERCADOPAGO_ACCESS_TOKEN:-}" ] && [ "${YLADA_DEMO_PAYMENTS:-1}" = "1" ]; then
  MP_PORT="$(free_port)"
  export MERCADOPAGO_ACCESS_TOKEN="TEST-demo" MERCADOPAGO_WEBHOOK_SECRET="mp_demo_$(demo_secret)"
  export MERCADOPAGO_API_BASE="http://127.0.0.1:$MP_PORT"
  start_fake MP fake_mercadopago --webhook-url "http://localhost:$PORT/webhooks/mercadopago" \
    --webhook-secret "$MERCADOPAGO_WEBHOOK_SECRET"
fi
AI="AI_BASE_URL (${AI_MODEL:-gpt-4o-mini})"
if [ -z "${AI_BASE_URL:-}" ] && [ "${YLADA_DEMO_AI:-1}" = "1" ]; then
  # No AI endpoint configured: the project's demonstration server stands in for it (answers
  # quote the knowledge items the search found; no language model), so "Treinar IA" and the
  # AI fallback work out of the box. The AI page labels it. YLADA_DEMO_AI=0 turns it off.
  AI_PORT="$(free_port)"
  export AI_BASE_URL="http://127.0.0.1:$AI_PORT/v1" AI_API_KEY="sk-demo" AI_DEMO=1
  start_fake AI fake_openai
  AI="IA de demonstração (respostas a partir do conhecimento, sem modelo)"
fi
if [ -z "${ANTHROPIC_API_KEY:-}" ] && [ "${YLADA_DEMO_AI:-1}" = "1" ]; then
  # The same demonstration server for instances set to Anthropic (messages API).
  ANTHROPIC_PORT="$(free_port)"
  export ANTHROPIC_BASE_URL="http://127.0.0.1:$ANTHROPIC_PORT" ANTHROPIC_API_KEY="sk-ant-demo" ANTHROPIC_DEMO=1
  start_fake ANTHROPIC fake_anthropic
fi
WHATSAPP="Meta (WHATSAPP_GRAPH_URL)"
if [ -z "${WHATSAPP_GRAPH_URL:-}" ] && [ "${YLADA_DEMO_WHATSAPP:-1}" = "1" ]; then
  # No Meta account needed to try connecting a number: a local demonstration Graph server
  # knows one number, offered on the connect page in one click. Replies to it go nowhere
  # real. YLADA_DEMO_WHATSAPP=0 turns it off (then the real Graph API is used).
  GRAPH_PORT="$(free_port)"
  export WHATSAPP_GRAPH_URL="http://127.0.0.1:$GRAPH_PORT"
  export WHATSAPP_DEMO_NUMBER="100000000000001:demo-whatsapp-token-$(kept_secret demo-whatsapp-token)"
  start_fake GRAPH fake_graph --number "$WHATSAPP_DEMO_NUMBER:+55 11 4000-0001:Número de demonstração"
  WHATSAPP="Meta de demonstração (nada sai para o WhatsApp de verdade)"
fi
trap 'kill ${STRIPE_PID:-} ${ASAAS_PID:-} ${MP_PID:-} ${AI_PID:-} ${ANTHROPIC_PID:-} ${GRAPH_PID:-} 2>/dev/null || true' EXIT
MAILS="SMTP (SMTP_URL)"
if [ -z "${SMTP_URL:-}" ]; then
  MAILS="nenhum sai desta máquina: leia em http://localhost:$PORT/dev/emails"
fi
cat <<BANNER

  ylada está subindo (first start compiles the frontend, ~30 s)

    URL:            http://localhost:$PORT
$(printf '%s\n' "$LOGINS" | sed 's/^/    /')
    Banco:          SQLite em .data/ylada.db (jobs em processo, sem Redis)
    Pagamentos:     $PAYMENTS
    E-mails:        $MAILS
    IA:             $AI
    WhatsApp:       $WHATSAPP

BANNER
reflex run --env prod --frontend-port "$PORT" --backend-port "$PORT"
