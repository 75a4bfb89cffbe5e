"""Ray start-up: Arrow's memory pool in the driver and in Ray workers."""

from __future__ import annotations

import pyarrow as pa


def test_driver_and_workers_run_arrow_on_the_system_allocator(ray_local):
    @ray_local.remote
    def worker_pool() -> str:
        import pyarrow

        return pyarrow.default_memory_pool().backend_name

    assert pa.default_memory_pool().backend_name == "system"
    assert ray_local.get(worker_pool.remote()) == "system"


def test_the_pool_named_in_the_environment_replaces_the_default(monkeypatch):
    from pacslabel.runtime import ARROW_POOL_VARIABLE, use_arrow_pool_from_environment

    before = pa.default_memory_pool()
    try:
        monkeypatch.setenv(ARROW_POOL_VARIABLE, "mimalloc")
        use_arrow_pool_from_environment()
        assert pa.default_memory_pool().backend_name == "mimalloc"
        monkeypatch.setenv(ARROW_POOL_VARIABLE, "no-such-pool")  # unknown names change nothing
        use_arrow_pool_from_environment()
        assert pa.default_memory_pool().backend_name == "mimalloc"
    finally:
        pa.set_memory_pool(before)


def test_aggregators_leave_every_node_a_cpu_for_the_tasks_of_their_execution():
    from pacslabel.runtime import aggregator_cpus

    # one local node of 2 CPUs, a join of 2 partitions: a quarter of the CPUs over 2 aggregators
    assert aggregator_cpus(1, 2, [2.0]) == 0.25
    # Ray starts at most one aggregator per CPU: 8 partitions on 2 CPUs are 2 aggregators
    assert aggregator_cpus(1, 8, [2.0]) == 0.25
    assert aggregator_cpus(2, 8, [2.0]) == 0.125
    # two nodes of one CPU each (a head without CPUs): an aggregator on each would take a quarter of
    # both CPUs and leave no node a whole CPU for a read or a map: nominal CPUs only
    assert aggregator_cpus(1, 2, [1.0, 1.0]) == 0.01
    # large nodes: at most 4 CPUs each, and a quarter of the cluster in all
    assert aggregator_cpus(1, 8, [32.0] * 16) == 4.0
    assert aggregator_cpus(1, 128, [32.0] * 16) == 1.0
    # small nodes beside a large one: the smallest node keeps a CPU
    assert aggregator_cpus(1, 4, [2.0, 2.0, 64.0]) == 0.5
    # no node with CPUs (an autoscaling group at zero)
    assert aggregator_cpus(1, 4, []) == 0.01


def test_group_by_aggregators_are_sized_in_the_datasets_context(ray_local):
    import ray

    from pacslabel.runtime import size_group_aggregators

    ds = ray.data.range(10)
    cpus = size_group_aggregators(ds, 1, 2)
    assert ds.context.hash_aggregate_operator_actor_num_cpus_override == cpus
    assert ds.context.hash_shuffle_operator_actor_num_cpus_override == cpus
    counts = ds.map(lambda r: {"k": r["id"] % 2}).groupby("k", num_partitions=2).count().take_all()
    assert sorted(r["count()"] for r in counts) == [5, 5]
