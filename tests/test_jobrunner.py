"""The job runner in a submitted Ray job: relative data paths are refused, since the driver and every worker
run in their own node's copy of the job's working_dir."""

from __future__ import annotations

import json

import pytest

from pacslabel.config import ConfigError
from pacslabel.jobrunner import (
    RAY_JOB_CONFIG_VARIABLE,
    check_paths_for_submitted_job,
    relative_paths,
    run_job,
    submitted_working_dir,
)
from pacslabel.pipeline import PipelineConfig
from pacslabel.synth import SynthConfig


@pytest.fixture
def submitted(monkeypatch):
    """This process as the driver of a job submitted with ``--working-dir``."""
    runtime_env = {"working_dir": "gcs://_ray_pkg_0123456789abcdef.zip", "env_vars": {"PYTHONPATH": "lib"}}
    monkeypatch.setenv(RAY_JOB_CONFIG_VARIABLE, json.dumps({"runtime_env": runtime_env, "metadata": {}}))


def test_working_dir_of_a_submitted_job(monkeypatch, submitted):
    assert submitted_working_dir() == "gcs://_ray_pkg_0123456789abcdef.zip"
    monkeypatch.setenv(RAY_JOB_CONFIG_VARIABLE, json.dumps({"runtime_env": {}}))
    assert submitted_working_dir() is None
    monkeypatch.delenv(RAY_JOB_CONFIG_VARIABLE)
    assert submitted_working_dir() is None


def test_relative_paths_are_found_in_nested_sections():
    cfg = PipelineConfig(input="demo/archive", run_root="/data/run", reports="", truth="s3://bucket/truth")
    cfg.evaluate.truth = "truth.parquet"
    assert relative_paths(cfg) == ["input=demo/archive", "evaluate.truth=truth.parquet"]
    assert relative_paths(PipelineConfig(input="/pacs", run_root="~/run")) == []


def test_a_submitted_job_refuses_relative_paths(submitted):
    with pytest.raises(ConfigError, match=r"run_root=demo/run: relative, but this job runs in a copy"):
        check_paths_for_submitted_job(PipelineConfig(input="/pacs", run_root="demo/run"))
    check_paths_for_submitted_job(PipelineConfig(input="/pacs", run_root="/data/run"))


def test_relative_paths_are_fine_outside_a_submitted_job(monkeypatch):
    monkeypatch.delenv(RAY_JOB_CONFIG_VARIABLE, raising=False)
    check_paths_for_submitted_job(PipelineConfig(input="demo/archive", run_root="demo/run"))


def test_the_job_exits_with_a_config_error_naming_the_key(submitted, capsys):
    def never(cfg):
        raise AssertionError("the job must not run")

    with pytest.raises(SystemExit) as exit_info:
        run_job("synth", SynthConfig, never, ["out=demo/archive"])
    assert exit_info.value.code == 2
    assert "out=demo/archive: relative" in capsys.readouterr().err
