from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pacslabel.pipeline.stages import Stage, run_stages, table_fingerprint


@dataclass
class Cfg:
    k: int = 3


def _write(run_root, table, name, n):
    run_root.makedirs(table)
    pq.write_table(pa.table({"x": list(range(n))}), run_root.path(table, name))


def test_fingerprint_changes_when_a_shard_is_added(run_root):
    assert table_fingerprint(run_root, "t") == "absent"
    _write(run_root, "t", "a.parquet", 3)
    first = table_fingerprint(run_root, "t")
    assert first == table_fingerprint(run_root, "t")
    _write(run_root, "t", "b.parquet", 3)
    assert table_fingerprint(run_root, "t") != first


def test_stage_skipped_only_when_inputs_config_and_outputs_unchanged(run_root):
    calls = []

    def produce():
        calls.append(1)
        _write(run_root, "out", "o.parquet", 1)
        return {"rows": 1}

    _write(run_root, "in", "a.parquet", 2)
    stage = Stage("s", produce, Cfg(), inputs=["in"], outputs=["out"])
    assert run_stages(run_root, [stage]) == {"s": {"rows": 1}}
    assert run_stages(run_root, [stage]) == {"s": {"skipped": True}}
    assert len(calls) == 1
    _write(run_root, "in", "b.parquet", 2)  # new input shard
    run_stages(run_root, [stage])
    assert len(calls) == 2
    run_stages(run_root, [Stage("s", produce, Cfg(k=4), inputs=["in"], outputs=["out"])])  # new config
    assert len(calls) == 3
    run_root.fs.delete_dir(run_root.path("out"))  # output gone
    run_stages(run_root, [Stage("s", produce, Cfg(k=4), inputs=["in"], outputs=["out"])])
    assert len(calls) == 4


def test_failed_stage_is_not_recorded(run_root):
    def boom():
        raise RuntimeError("crash")

    stage = Stage("s", boom, Cfg())
    with pytest.raises(RuntimeError, match="crash"):
        run_stages(run_root, [stage])
    assert not run_root.exists("_jobs", "pipeline", "stages", "s.json")
