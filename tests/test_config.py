"""One settings loader: the bundled config files, overridden by --config FILE or ARGMINE_CONFIG in
every stage of a run (worker processes included); bad override files get one-line errors."""

import json
import re

import pytest
from click.testing import CliRunner

from argmine import config
from argmine.cli import main
from argmine.errors import ConfigError
from argmine.ingest import ingest
from conftest import REFERENCE


def test_bundled_settings_without_override(monkeypatch):
    monkeypatch.delenv(config.ENV, raising=False)
    assert config.settings("run")["time_limit_seconds"] == 300
    assert config.settings("ingest")["language"]["min_common_share"] == 0.15


def test_override_reaches_settings_key_by_key(tmp_path, monkeypatch):
    user = tmp_path / "mine.toml"
    user.write_text("[run]\ntime_limit_seconds = 5\n[ingest.language]\nmin_words = 7\n", encoding="utf-8")
    monkeypatch.setenv(config.ENV, str(user))
    assert config.settings("run")["time_limit_seconds"] == 5
    language = config.settings("ingest")["language"]
    assert language["min_words"] == 7 and language["min_common_share"] == 0.15  # the other keys stay


@pytest.mark.parametrize(
    "text, message",
    [
        ("[run]\ntime_limt_seconds = 5\n", "unknown setting 'run.time_limt_seconds'"),
        ("[rnu]\nx = 1\n", "unknown section [rnu]"),
        ("[run]\ntime_limit_seconds = 'soon'\n", "'run.time_limit_seconds' must be int"),
        ("[run\n", "not valid TOML"),
    ],
)
def test_bad_override_is_one_line_naming_the_file(tmp_path, monkeypatch, text, message):
    user = tmp_path / "mine.toml"
    user.write_text(text, encoding="utf-8")
    monkeypatch.setenv(config.ENV, str(user))
    with pytest.raises(ConfigError, match=re.escape(message)) as caught:
        config.settings("run")
    assert str(caught.value).startswith(str(user)) and "\n" not in str(caught.value)


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_config_reaches_every_document(tmp_path, monkeypatch, jobs):
    """A setting of ingest changed by --config changes what a run's workers extract."""
    monkeypatch.setenv(config.ENV, "")  # restored after the test: --config sets it in this process
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.txt").write_text(REFERENCE.read_text(encoding="utf-8"), encoding="utf-8")
    user = tmp_path / "mine.toml"
    user.write_text("[ingest]\nmax_chars = 100\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["--config", str(user), "run", str(folder), "--out", str(tmp_path / "out"), "--quiet", "--jobs", jobs]
    )
    record = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert result.exit_code == 1
    assert all(d["status"] == "failed" and "more than the 100 argmine reads" in d["error"] for d in record["documents"])


def test_ingest_reads_the_override(tmp_path, monkeypatch):
    user = tmp_path / "mine.toml"
    user.write_text("[ingest]\nmax_chars = 100\n", encoding="utf-8")
    monkeypatch.setenv(config.ENV, str(user))
    with pytest.raises(Exception, match="more than the 100 argmine reads"):
        ingest(REFERENCE)
