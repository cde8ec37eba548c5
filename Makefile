# ylada — the two commands a newcomer needs: `make run` and `make test`.
# scripts/env.sh finds the project from BASH_SOURCE: the recipes that source it need bash.
SHELL := /bin/bash
.PHONY: run test lint setup migrate seed worker bench fault bench-broadcast bench-analytics bench-inbox bench-api bench-retention bench-ai ai-eval ai-eval-slips sdk

run:            ## install what is missing and start the app (SQLite, demo data) on :3000
	./scripts/run.sh

test:           ## install test deps, start PostgreSQL + Redis on loopback, run the suite
	./scripts/test.sh

setup:          ## only install (venv, Python deps, bun)
	./scripts/bootstrap.sh

lint:
	.venv/bin/ruff check .

migrate:
	.venv/bin/ylada migrate

seed:
	.venv/bin/ylada seed --demo

worker:         ## an RQ worker (needs REDIS_URL)
	.venv/bin/ylada worker

bench:          ## throughput/latency benchmark of the message pipeline (prints one line)
	DURABLE=1 ./scripts/with_services.sh bench

fault:          ## worker kills, Redis/PostgreSQL restarts, Graph errors: lost/duplicated/out of order
	DURABLE=1 ./scripts/with_services.sh fault_bench

bench-broadcast: ## 50,000-recipient broadcast, 5 % Graph throttling, a worker killed (one line)
	DURABLE=1 ./scripts/with_services.sh broadcast_bench

bench-analytics: ## 1M messages over 90 days on PostgreSQL: rollup time and dashboard query time
	./scripts/with_services.sh analytics_bench

bench-inbox:    ## 100k conversations, 2M messages on PostgreSQL: the inbox's server time
	./scripts/with_services.sh inbox_bench

bench-api:      ## the public API under open-loop load, and the webhook fan-out (one line)
	./scripts/with_services.sh api_bench

ai-eval:        ## AI retrieval quality per niche (hit@1, hit@3, out of scope) on SQLite and PostgreSQL
	./scripts/with_services.sh retrieval_eval --all-databases

ai-eval-slips:  ## AI retrieval with one misspelt word per question (letter left out, swapped…)
	./scripts/bootstrap.sh && . scripts/env.sh && python -m ylada_app.testing.slip_eval

bench-retention: ## LGPD retention of 1M old messages: webhook ack p99 idle vs during (one line)
	./scripts/with_services.sh retention_bench

bench-ai:       ## AI retrieval speed: 1,000 businesses x 5,000 items on PostgreSQL (one line)
	./scripts/with_services.sh ai_bench

sdk:            ## regenerate the SDKs' generated parts from the API (sdks/, see its README)
	. scripts/env.sh && .venv/bin/python scripts/gen_sdks.py
