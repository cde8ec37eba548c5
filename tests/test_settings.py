"""Settings: SQLite by default, a generated dev key, production refuses without SECRET_KEY."""

from __future__ import annotations

import pytest

from ylada_app.core.settings import Settings, SettingsError


def test_defaults_use_sqlite_and_generate_a_persistent_dev_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    s1 = Settings(data_dir=tmp_path, ylada_env="development")
    s2 = Settings(data_dir=tmp_path, ylada_env="development")
    assert s1.database_url == f"sqlite:///{tmp_path / 'ylada.db'}"
    assert len(s1.secret_key) >= 32 and s1.secret_key == s2.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert s1.jobs_in_process


def test_production_refuses_to_start_without_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(SettingsError):
        Settings(data_dir=tmp_path, ylada_env="production")
    with pytest.raises(SettingsError):
        Settings(data_dir=tmp_path, ylada_env="production", secret_key="short")
    ok = Settings(data_dir=tmp_path, ylada_env="production", secret_key="k" * 48)
    assert ok.is_production and not (tmp_path / "secret_key").exists()


def test_redis_url_switches_jobs_out_of_process(tmp_path):
    s = Settings(data_dir=tmp_path, redis_url="redis://127.0.0.1:6379/0")
    assert not s.jobs_in_process


def test_texts_with_a_count_read_as_plain_portuguese_and_english():
    from ylada_app.core.i18n import translate

    assert translate("banner.trial", days=1).startswith("Seu teste grátis termina em 1 dia;")
    assert translate("banner.trial", days=14).startswith("Seu teste grátis termina em 14 dias;")
    assert translate("banner.trial", "en", days=1).startswith("Your free trial ends in 1 day;")
    assert "1 número de WhatsApp" in translate("error.limit_instances", plan="Grátis", limit=1)
    assert "3 números de WhatsApp" in translate("error.limit_instances", plan="Pro", limit=3)
