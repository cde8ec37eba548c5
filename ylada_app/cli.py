"""`ylada` operations command: migrate, seed, worker, create-admin."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ylada_app.core.settings import PROJECT_ROOT


def _alembic_config(url: str | None = None):
    from alembic.config import Config

    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def migrate(url: str | None = None, revision: str = "head") -> None:
    from alembic import command
    from ylada_app.core.settings import get_settings

    settings = get_settings()
    if (url or settings.database_url).startswith("sqlite"):
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    command.upgrade(_alembic_config(url), revision)


def cmd_seed(args: argparse.Namespace) -> int:
    from ylada_app.core.db import session_scope
    from ylada_app.services import seed

    with session_scope() as session:
        if args.demo:
            logins = seed.seed_demo(session)
            print(f"demo admin: {logins.admin_email} / {logins.password}")
            print(f"demo owner: {logins.owner_email} / {logins.password}")
        else:
            plans, templates = seed.seed_catalog(session)
            print(f"plans created: {plans}; templates created: {templates}")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    migrate(revision=args.revision)
    print("database is at", args.revision)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from workers.rq_worker import main as worker_main

    return worker_main(args.queues or None, burst=args.burst)


def cmd_create_admin(args: argparse.Namespace) -> int:
    import getpass

    from ylada_app.core.db import session_scope
    from ylada_app.services import auth
    from ylada_app.services.errors import ServiceError

    password = args.password or getpass.getpass("Senha: ")
    try:
        with session_scope() as session:
            auth.create_user(
                session, email=args.email, name=args.name, password=password,
                is_platform_admin=True,
            )
    except ServiceError as exc:
        for field, code in exc.field_errors.items():
            from ylada_app.core.i18n import translate

            print(f"{field}: {translate(code)}", file=sys.stderr)
        return 1
    print("admin created:", args.email)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from ylada_app.chat_cli import run_chat

    if not args.flow and args.instance is None and args.flow_id is None and not args.template:
        print("use --flow FILE.json, --instance ID, --flow-id ID or --template SLUG",
              file=sys.stderr)
        return 2
    return run_chat(args.flow or [], args.say or [], name=args.name,
                    instance_id=args.instance, flow_id=args.flow_id, template=args.template)


def cmd_flow_validate(args: argparse.Namespace) -> int:
    from ylada_app.chat_cli import validate_files

    return validate_files(args.files)


def cmd_api_key(args: argparse.Namespace) -> int:
    """Keys of the public API for scripts and operations (the page does the same)."""
    from ylada_app.core.db import session_scope
    from ylada_app.services import api_keys
    from ylada_app.services.errors import ServiceError

    try:
        with session_scope() as session:
            tenant = api_keys.tenant_by_slug(session, args.tenant)
            if args.key_command == "create":
                key, raw = api_keys.create_key(session, tenant_id=tenant.id, name=args.name,
                                               scopes=args.scopes)
                print(f"key {key.id} ({key.scopes}) for {tenant.slug} — shown only now:")
                print(raw)
            elif args.key_command == "list":
                for row in api_keys.list_keys(session, tenant_id=tenant.id):
                    state = "revoked" if row.revoked else "active"
                    used = row.last_used_at.isoformat(timespec="seconds") \
                        if row.last_used_at else "never used"
                    print(f"{row.id}\t{row.prefix}…\t{','.join(row.scopes)}\t{state}\t"
                          f"{used}\t{row.name}")
            else:
                api_keys.revoke_key(session, tenant_id=tenant.id, key_id=args.id)
                print(f"key {args.id} revoked")
    except ServiceError as exc:
        for field, message in exc.messages().items():
            print(f"{field}: {message}" if field != "_" else message, file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ylada", description="ylada operations")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("migrate", help="apply database migrations (alembic upgrade)")
    p.add_argument("revision", nargs="?", default="head")
    p.set_defaults(func=cmd_migrate)
    p = sub.add_parser("seed", help="seed plans (and, with --demo, demo accounts)")
    p.add_argument("--demo", action="store_true", help="also create the demo admin and tenant")
    p.set_defaults(func=cmd_seed)
    p = sub.add_parser("worker", help="run an RQ worker (needs REDIS_URL)")
    p.add_argument("queues", nargs="*")
    p.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    p.set_defaults(func=cmd_worker)
    p = sub.add_parser("create-admin", help="create a platform administrator")
    p.add_argument("email")
    p.add_argument("--name", default="Admin")
    p.add_argument("--password")
    p.set_defaults(func=cmd_create_admin)
    p = sub.add_parser("chat", help="talk to a flow in the terminal (real engine)")
    p.add_argument("--flow", action="append", metavar="FILE.json",
                   help="flow JSON (repeat for several flows)")
    p.add_argument("--instance", type=int, metavar="ID",
                   help="chat with an instance's active flows (from DATABASE_URL)")
    p.add_argument("--flow-id", type=int, metavar="ID", help="chat with a stored flow's draft")
    p.add_argument("--template", metavar="SLUG",
                   help="chat with a packaged marketplace template (default parameter values)")
    p.add_argument("--say", action="append", metavar="TEXT",
                   help="scripted message (repeat); without it, read from stdin")
    p.add_argument("--name", default="Cliente", help="the contact's name")
    p.set_defaults(func=cmd_chat)
    p = sub.add_parser("flow", help="flow tools")
    flow_sub = p.add_subparsers(dest="flow_command", required=True)
    v = flow_sub.add_parser("validate", help="validate flow JSON files (exit 1 on errors)")
    v.add_argument("files", nargs="+")
    v.set_defaults(func=cmd_flow_validate)
    p = sub.add_parser("api-key", help="keys of the public API (/api/v1)")
    key_sub = p.add_subparsers(dest="key_command", required=True)
    k = key_sub.add_parser("create", help="create a key and print it (shown only once)")
    k.add_argument("--tenant", required=True, metavar="SLUG", help="the business's slug")
    k.add_argument("--name", required=True)
    k.add_argument("--scopes", default="read", help="read, or read,write (default: read)")
    k.set_defaults(func=cmd_api_key)
    k = key_sub.add_parser("list", help="a business's keys (prefix, scopes, last use)")
    k.add_argument("--tenant", required=True, metavar="SLUG")
    k.set_defaults(func=cmd_api_key)
    k = key_sub.add_parser("revoke", help="revoke a key (it stops working at once)")
    k.add_argument("--tenant", required=True, metavar="SLUG")
    k.add_argument("id")
    k.set_defaults(func=cmd_api_key)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
