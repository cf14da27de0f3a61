"""One settings object: the plugin and every command read mkdocs.yml the same way."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from maturity.mkdocs_plugin.config import MaturityConfig
from maturity.settings import OPTIONS, SettingsError, from_options, load_settings, read_config

ENTRY = Path(sys.executable).parent / "maturity"


def run(*args, cwd: Path, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(ENTRY), *args], cwd=cwd, capture_output=True, text=True, env=env)


def test_plugin_options_are_the_core_options():
    plugin = {name: option.default for name, option in MaturityConfig._schema}
    core = {o.name: o.default for o in OPTIONS}
    assert plugin == core


def write_config(root: Path, options: str, top: str = "site_name: 测试\n") -> None:
    (root / "mkdocs.yml").write_text(f"{top}plugins:\n  - search\n  - maturity:\n{options}", encoding="utf-8")


def test_model_from_mkdocs_yml_is_used_by_validate(demo):
    write_config(demo.root, "      model: no-such-model.yml\n")
    r = run("validate", ".", cwd=demo.root)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "MAT055" in r.stdout + r.stderr and "no-such-model.yml" in r.stdout + r.stderr


def test_model_path_is_relative_to_mkdocs_yml(demo, mini_model_path):
    write_config(demo.root, f"      model: {mini_model_path}\n")
    settings = load_settings(demo.root)
    assert settings.model == mini_model_path
    write_config(demo.root, "      model: models/own.yml\n")
    assert load_settings(demo.root).model == demo.root / "models" / "own.yml"


def test_cli_flag_overrides_mkdocs_yml(demo):
    write_config(demo.root, "      model: no-such-model.yml\n")
    model = Path(__file__).resolve().parents[1] / "plugins" / "maturity" / "models" / "t-zxgjxh-002-2023.yml"
    r = run("validate", ".", "--model", str(model), cwd=demo.root)
    assert "MAT055" not in r.stdout + r.stderr


def test_env_tag_and_inherit(tmp_path, monkeypatch):
    (tmp_path / "base.yml").write_text("site_url: https://base.example/\nplugins:\n  - maturity:\n      validity_years: 4\n",
                                       encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "INHERIT: base.yml\nsite_name: !ENV [MATURITY_TEST_NAME, 默认名称]\n"
        "plugins:\n  - maturity:\n      announcement_days: !ENV MATURITY_TEST_DAYS\n", encoding="utf-8")
    monkeypatch.setenv("MATURITY_TEST_DAYS", "7")
    monkeypatch.delenv("MATURITY_TEST_NAME", raising=False)
    config = read_config(tmp_path / "mkdocs.yml")
    assert config["site_name"] == "默认名称"
    s = load_settings(tmp_path)
    assert s.publication.announcement_days == 7  # typed like YAML, as MkDocs' !ENV does
    assert s.site.url == "https://base.example/" and s.site.name == "默认名称"


@pytest.mark.parametrize("options, why", [
    ({"announcement_days": "5"}, "announcement_days"),
    ({"announcement_days": True}, "announcement_days"),
    ({"validity_years": 0}, "validity_years"),
    ({"build_date": "0001-01-01"}, "1949"),
    ({"holidays": ["9999-01-01"]}, "1949"),
    ({"certificate_number": "^(ZXGJ"}, "certificate_number"),
    ({"no_such_option": 1}, "no_such_option"),
])
def test_bad_options_name_the_option(options, why):
    with pytest.raises(SettingsError, match=why):
        from_options(options)


def test_bad_settings_exit_2_with_a_message(demo):
    write_config(demo.root, "      validity_years: drei\n")
    r = run("validate", ".", cwd=demo.root)
    assert r.returncode == 2 and "validity_years" in r.stderr and "Traceback" not in r.stderr


def test_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2030, 1, 2, tzinfo=dt.timezone.utc).timestamp())))
    assert from_options({}).today() == dt.date(2030, 1, 2)
    assert from_options({"build_date": "2031-05-06"}).today() == dt.date(2031, 5, 6)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "not-a-number")
    with pytest.raises(SettingsError, match="SOURCE_DATE_EPOCH"):
        from_options({}).today()


def test_the_cache_key_leaves_out_only_what_changes_no_finding_and_no_page(tmp_path, monkeypatch):
    """strict, jobs, cache and a relative spelling of the folder change nothing the build cache keeps; the rest does."""
    from maturity.settings import Settings

    monkeypatch.chdir(tmp_path)
    base = Settings(root=Path("."), config_file=Path("mkdocs.yml"))
    same = Settings(root=tmp_path, config_file=tmp_path / "mkdocs.yml", strict=True, jobs=1, cache=False)
    assert base.cache_key() == same.cache_key()
    for changed in (dict(history=False), dict(english=True), dict(max_file_size=1), dict(assessments_dir="a")):
        assert base.with_overrides(**changed).cache_key() != base.cache_key(), changed
