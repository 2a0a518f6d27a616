"""huiqi.toml: what ``Config.save`` writes and what it keeps of the file it replaces."""

from __future__ import annotations

import tomllib

from huiqi.config import load_config


def test_save_keeps_the_tables_it_does_not_own(tmp_path):
    path = tmp_path / "huiqi.toml"
    path.write_text('[plugins]\ndisabled = []\n\n[guangdong_vouchers]\n# the official catalogue\n'
                    'catalogue = "official.yaml"\n\n[other.sub]\nx = [\n  [1, 2],\n]\n', encoding="utf-8")
    config = load_config(path)
    config.disable("anhui_iiot_grants")
    config.save()
    text = path.read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    assert raw["plugins"]["disabled"] == ["anhui_iiot_grants"]
    assert raw["guangdong_vouchers"] == {"catalogue": "official.yaml"}
    assert raw["other"]["sub"]["x"] == [[1, 2]]
    assert "# the official catalogue" in text
    config.save()  # saving twice keeps one copy
    assert path.read_text(encoding="utf-8").count("[guangdong_vouchers]") == 1


def test_save_without_a_file_writes_only_its_own_tables(tmp_path):
    config = load_config(tmp_path / "huiqi.toml")
    config.enable("anhui_iiot_grants")
    config.save()
    assert set(tomllib.loads((tmp_path / "huiqi.toml").read_text(encoding="utf-8"))) == {"plugins"}
