from dataclasses import dataclass, field
from typing import Literal

import pytest

from pacslabel.config import ConfigError, dump_config, load_config, parse_overrides


@dataclass
class Inner:
    size: int = 256
    method: Literal["area", "bilinear"] = "area"


@dataclass
class Outer:
    run_root: str = ""
    ratio: float = 0.5
    flag: bool = False
    names: list[str] = field(default_factory=lambda: ["a"])
    inner: Inner = field(default_factory=Inner)
    seed: int | None = None


def test_defaults_yaml_and_overrides_merge(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("ratio: 0.25\ninner:\n  size: 128\n")
    cfg = load_config(Outer, path, ["inner.method=bilinear", "flag=true", "names=x,y", "seed=3"])
    assert cfg.ratio == 0.25
    assert cfg.inner == Inner(size=128, method="bilinear")
    assert cfg.flag is True and cfg.names == ["x", "y"] and cfg.seed == 3


def test_config_files_layer_in_order(tmp_path):
    base, top = tmp_path / "base.yaml", tmp_path / "top.yaml"
    base.write_text("ratio: 0.25\nnames: [p, q]\ninner:\n  size: 128\n  method: bilinear\n")
    top.write_text("names: [r]\ninner:\n  size: 64\n")
    cfg = load_config(Outer, [base, top], ["seed=1"])
    assert cfg.ratio == 0.25 and cfg.names == ["r"] and cfg.seed == 1
    assert cfg.inner == Inner(size=64, method="bilinear")
    assert load_config(Outer, [top, base]).inner == Inner(size=128, method="bilinear")


def test_int_is_accepted_for_float():
    assert load_config(Outer, None, ["ratio=1"]).ratio == 1.0


def test_unknown_key_names_valid_keys():
    with pytest.raises(ConfigError, match=r"unknown key inner\.sise; valid keys here are: method, size"):
        load_config(Outer, None, ["inner.sise=3"])


def test_bad_choice_names_choices():
    with pytest.raises(
        ConfigError, match=r"inner\.method: 'cubic' is not valid; choose one of 'area', 'bilinear'"
    ):
        load_config(Outer, None, ["inner.method=cubic"])


def test_bad_type_names_key():
    with pytest.raises(ConfigError, match=r"inner\.size: expected an integer"):
        load_config(Outer, None, ["inner.size=big"])
    with pytest.raises(ConfigError, match="flag"):
        load_config(Outer, None, ["flag=maybe"])


def test_override_syntax():
    assert parse_overrides(["a.b=3", "c="]) == {"a": {"b": 3}, "c": ""}
    with pytest.raises(ConfigError, match="key=value"):
        parse_overrides(["novalue"])


def test_dump_round_trips(tmp_path):
    cfg = load_config(Outer, None, ["inner.size=64"])
    path = tmp_path / "resolved.yaml"
    path.write_text(dump_config(cfg))
    assert load_config(Outer, path) == cfg
