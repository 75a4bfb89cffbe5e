"""The pipeline submitted through the Ray Jobs API to a real multi-node Ray cluster on this machine.

Three nodes on loopback, each its own raylet (``ray start`` processes): a head with ``--num-cpus=0``
like cluster.yaml's (GCS, dashboard and job API, the job driver) and two worker nodes with two
logical CPUs each, the least a node needs (README: worker nodes of one CPU stall Ray Data's hash
shuffles). Where the test may create mount namespaces (root), every worker node runs with its own private
``/tmp``, as separate machines have: a file that a worker writes to its temporary directory and the
driver (or another node) reads is not there. The archive and the run root live outside ``/tmp``, the
stand-in for the shared filesystem of cluster.yaml.

The job is submitted with the command of the README's local walk-through (``ray job submit
--working-dir . --runtime-env-json ...``) from the repository root, so the code the nodes run is the
shipped copy of this checkout. The small inputs are pushed through the code paths of a large archive
(listing, diff and duplicate resolution as Ray tasks and joins, ingest and relabel on actor pools)
so that the work really spreads over the worker nodes.

The cluster is stopped by process group and by its private temp directory: other Ray instances on the
machine are left alone (``ray stop`` would stop every Ray process on the machine).
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import hashlib
import json
import os
import random
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
RAY = BIN / "ray"
# Shared storage of the loopback cluster: seen by every node at the same path (not under /tmp, which
# the worker nodes get privately).
SHARED_BASE = Path(os.environ.get("PACSLABEL_CLUSTER_TEST_SHARED", "/var/tmp"))
START_TIMEOUT = 600
JOB_TIMEOUT = 900

# The smoke preset, layered on the README's demo preset: a few minutes on 2 cores.
SMOKE = ["--config", "configs/pipeline-smoke.yaml"]
# What an archive of millions of files does on a cluster: listing, diff and duplicate resolution by Ray
# tasks and joins, ingest on the actor pool (not in the driver). The relabel runs its ingest so.
AT_SCALE = [
    "ingest.inline_max_files=0",
    "ingest.driver_list_max_files=0",
    "ingest.driver_diff_max_rows=0",
    "ingest.driver_dedup_max_rows=0",
    "ingest.diff_partitions=2",
]
# PACSLABEL_CLUSTER_TEST_THOROUGH=1: the relabel as `jobs.relabel` with each step as for a large increment
# (Ray Data anti-joins and actor pools instead of the driver), several minutes more on two cores.
THOROUGH = os.environ.get("PACSLABEL_CLUSTER_TEST_THOROUGH", "") not in ("", "0")
RELABEL_ON_RAY = ["inline_max_rows=0", "driver_max_keys=0", "join_partitions=2", "assign.join_partitions=2"]


# ---------------------------------------------------------------- the README's commands


def _readme_block(title: str) -> str:
    """The first fenced code block of the README section ``## title``."""
    text = (ROOT / "README.md").read_text()
    section = text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```\n", 1)[1].split("```", 1)[0]


def _readme_submit() -> tuple[list[str], list[str]]:
    """The local walk-through's ``ray job submit``: its options (without the submission id, which names
    one job per cluster) and its entrypoint (without the paths, which are the demo's)."""
    block = _readme_block("Run on a cluster").replace("\\\n", " ")
    line = next(ln for ln in block.splitlines() if ln.startswith("ray job submit"))
    tokens = shlex.split(line)
    options, entrypoint = tokens[3 : tokens.index("--")], tokens[tokens.index("--") + 1 :]
    if "--submission-id" in options:
        at = options.index("--submission-id")
        del options[at : at + 2]
    return options, [t for t in entrypoint if "$PWD" not in t]


# ---------------------------------------------------------------- a cluster of ray start processes


def _free_ports(n: int) -> list[int]:
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _free_range(width: int) -> tuple[int, int]:
    """A block of ``width`` free ports below the kernel's ephemeral range, for one node's workers."""
    for _ in range(200):
        low = random.randrange(20_000, 32_000 - width)
        try:
            socks = []
            for port in range(low, low + width):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", port))
            return low, low + width - 1
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free block of worker ports")


NORMAL_PRIORITY = os.getpriority(os.PRIO_PROCESS, 0)
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends


def _node_process_setup() -> None:
    """In a node's process before exec: it ends when the test process ends, however that ends (the
    node's own processes end with it), and it starts at a higher CPU priority where the test may raise
    it (root; see ``LoopbackCluster._start_node``)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, 0, NORMAL_PRIORITY - 10)


def _can_make_private_tmp() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = ["unshare", "-m", "--propagation", "private", "sh", "-c", "mount -t tmpfs tmpfs /tmp"]
    return subprocess.run(probe, capture_output=True, timeout=30).returncode == 0


class LoopbackCluster:
    """A head (``--num-cpus=0``) and ``workers`` worker nodes, each a ``ray start --block`` process."""

    def __init__(self, workers: int = 2, cpus_per_worker: int = 2):
        self.token = Path(tempfile.mkdtemp(prefix="plc-", dir="/tmp"))  # short: Ray's socket paths
        self.workers = workers
        self.cpus_per_worker = cpus_per_worker
        self.private_tmp = _can_make_private_tmp()
        self.procs: list[subprocess.Popen] = []
        self.gcs_port, self.dashboard_port, self.client_port = _free_ports(3)
        self.address = f"http://127.0.0.1:{self.dashboard_port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_") and k != "PYTHONPATH"}
        # As the README: the project's environment on PATH, for the nodes and the job's entrypoint.
        env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
        env["ARROW_DEFAULT_MEMORY_POOL"] = "system"  # as cluster.yaml's start commands
        # Ports that Ray takes by default, whatever else runs here, and the dashboard's patience with its
        # module processes (30 s; each imports Ray, which takes longer on two busy cores).
        env["DASHBOARD_METRIC_PORT"], env["AUTOSCALER_METRIC_PORT"] = map(str, _free_ports(2))
        env["RAY_DASHBOARD_SUBPROCESS_MODULE_WAIT_READY_TIMEOUT"] = "600"
        env["RAY_DASHBOARD_STARTUP_TIMEOUT_S"] = "600"
        env["RAY_agent_register_timeout_ms"] = "600000"
        # Ray processes that look for "their" cluster (address "auto", e.g. Ray Train's placement group
        # cleaner) find this one, as on a machine that runs one Ray; here other Ray instances may run.
        env["RAY_ADDRESS"] = f"127.0.0.1:{self.gcs_port}"
        self.env = env

    def _node_args(self, name: str) -> list[str]:
        agent, agent_grpc, runtime_env, metrics, node_manager, object_manager = _free_ports(6)
        low, high = _free_range(60)
        return [
            "--block",
            "--node-ip-address=127.0.0.1",
            f"--temp-dir={self.token / name}",
            f"--dashboard-agent-listen-port={agent}",
            f"--dashboard-agent-grpc-port={agent_grpc}",
            f"--runtime-env-agent-port={runtime_env}",
            f"--metrics-export-port={metrics}",
            f"--node-manager-port={node_manager}",
            f"--object-manager-port={object_manager}",
            f"--min-worker-port={low}",
            f"--max-worker-port={high}",
            f"--object-store-memory={300 * 2**20}",
            "--disable-usage-stats",
        ]

    def _spawn(self, name: str, args: list[str], private_tmp: bool) -> None:
        command = [str(RAY), "start", *self._node_args(name), *args]
        env = dict(self.env)
        if private_tmp:
            # its own /tmp, as on another machine; the node's Ray temp dir keeps the cluster's token
            script = f'mount -t tmpfs -o size=2g,mode=1777 tmpfs /tmp && mkdir -p {self.token} && exec "$@"'
            command = ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", *command]
        else:
            tmp = self.token / name / "tmp"
            tmp.mkdir(parents=True)
            env["TMPDIR"] = str(tmp)
        log = open(self.token / f"{name}.log", "wb")  # noqa: SIM115 (kept open for the process)
        self.procs.append(
            subprocess.Popen(
                command,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_node_process_setup,
            )
        )

    def alive_nodes(self) -> list[dict]:
        from ray.util.state import list_nodes

        nodes = list_nodes(address=self.address, filters=[("state", "=", "ALIVE")], timeout=10)
        return [n if isinstance(n, dict) else dataclasses.asdict(n) for n in nodes]

    def _wait(self, what: str, ready, proc: subprocess.Popen) -> bool:
        """Wait until ``ready()``; False when ``proc`` (the node being started) exits first."""
        deadline = time.time() + START_TIMEOUT
        last = None
        while time.time() < deadline:
            if proc.poll() is not None:
                return False
            try:
                if ready():
                    return True
            except Exception as exc:  # not up yet: connection refused, timeouts
                last = exc
            time.sleep(2)
        raise TimeoutError(f"{what} not ready after {START_TIMEOUT} s (last: {last!r}):\n{self.logs()}")

    def _start_node(self, name: str, args: list[str], private_tmp: bool, what: str, ready) -> None:
        """Start one node; a node that gives up during start-up is started again.

        Ray gives a starting node fixed windows (30 s for its raylet to register, which waits for the node's
        agents, each a Python process importing Ray): on two cores shared with other work they can pass.
        The node therefore starts at a raised CPU priority where the test may raise it (root), and is
        set back to normal once it has joined, so the jobs run at the priority of everything else.
        """
        for attempt in range(3):
            self._spawn(name if attempt == 0 else f"{name}-{attempt}", args, private_tmp)
            if self._wait(what, ready, self.procs[-1]):
                self._normal_priority()
                return
            self._kill(self.procs[-1])
        raise RuntimeError(f"{what}: the node exited during start-up three times:\n{self.logs()}")

    def start(self) -> LoopbackCluster:
        from ray.job_submission import JobSubmissionClient

        def head_ready() -> bool:
            return JobSubmissionClient(self.address).list_jobs() is not None and len(self.alive_nodes()) == 1

        head = [
            "--head",
            f"--port={self.gcs_port}",
            "--num-cpus=0",
            "--include-dashboard=true",
            "--dashboard-host=127.0.0.1",
            f"--dashboard-port={self.dashboard_port}",
            f"--ray-client-server-port={self.client_port}",
        ]
        self._start_node("head", head, False, "the head and its job API", head_ready)
        for i in range(1, self.workers + 1):
            # one at a time: a node that joins while the GCS is still busy with the last one may time out
            worker = [f"--address=127.0.0.1:{self.gcs_port}", f"--num-cpus={self.cpus_per_worker}"]
            self._start_node(
                f"w{i}",
                worker,
                self.private_tmp,
                f"worker node {i}",
                lambda i=i: len(self.alive_nodes()) == 1 + i,
            )
        return self

    def logs(self, tail: int = 4000) -> str:
        out = []
        for path in sorted(self.token.glob("*.log")):
            out.append(f"== {path.name}\n{path.read_bytes()[-tail:].decode(errors='replace')}")
        return "\n".join(out)

    def _leftovers(self) -> list[int]:
        """Processes whose command line names this cluster's temp directory."""
        mark = str(self.token).encode()
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                if mark in (entry / "cmdline").read_bytes():
                    pids.append(int(entry.name))
            except OSError:
                continue
        return pids

    def _normal_priority(self) -> None:
        for pid in {*self._leftovers(), *(p.pid for p in self.procs)}:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, pid, NORMAL_PRIORITY)

    @staticmethod
    def _kill(proc: subprocess.Popen) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)

    def stop(self, grace: float = 20.0) -> None:
        """Stop every process this cluster started, and nothing else."""
        for p in self.procs:
            if p.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGTERM)
        deadline = time.time() + grace
        while time.time() < deadline and (any(p.poll() is None for p in self.procs) or self._leftovers()):
            time.sleep(0.5)
        for p in self.procs:
            self._kill(p)
        for pid in self._leftovers():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.token, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster():
    c = LoopbackCluster()
    try:
        c.start()
        yield c
    finally:
        c.stop()
    assert not c._leftovers()


@pytest.fixture(scope="module")
def shared():
    SHARED_BASE.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="pacslabel-cluster-", dir=SHARED_BASE))
    yield path
    shutil.rmtree(path, ignore_errors=True)


# ---------------------------------------------------------------- helpers


def _synth(out: Path, studies: int, seed: int) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "jobs.synth",
            f"out={out}",
            f"studies={studies}",
            f"seed={seed}",
            "workers=1",
            "image_scale=0.25",
            "instances_scale=0.3",
            "broken_fraction=0.0",
            "junk_fraction=0.0",
            "dicomdir=false",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out


def _ray(cluster: LoopbackCluster, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**cluster.env, "RAY_ADDRESS": cluster.address}
    return subprocess.run(
        [str(RAY), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def _submit(cluster: LoopbackCluster, submission_id: str, entrypoint: list[str]) -> str:
    """Submit as the README does, follow the logs until the job ends, check its status; returns the logs."""
    options, _ = _readme_submit()
    started = time.time()
    submitted = _ray(
        cluster, "job", "submit", *options, f"--submission-id={submission_id}", "--", *entrypoint
    )
    assert submitted.returncode == 0, f"{submitted.stdout}\n{submitted.stderr}\n{cluster.logs()}"
    logs = _ray(cluster, "job", "logs", "--follow", submission_id, timeout=JOB_TIMEOUT)
    status = _ray(cluster, "job", "status", submission_id)
    said = status.stdout + status.stderr
    assert logs.returncode == 0 and f"Job '{submission_id}' succeeded" in said, (
        f"{submission_id}: {said}\n{logs.stdout[-8000:]}\n{logs.stderr[-2000:]}\n{cluster.logs()}"
    )
    from ray.job_submission import JobStatus, JobSubmissionClient

    assert JobSubmissionClient(cluster.address).get_job_status(submission_id) == JobStatus.SUCCEEDED
    # where the time goes, in the test's output: the job's wall time and when each stage started
    stages = re.findall(STAGE_LINE, logs.stdout, re.M)
    timeline = " ".join(f"{t} {n}" for t, n in stages)
    print(f"{submission_id}: {time.time() - started:.0f} s; stages from {timeline}")
    return logs.stdout


STAGE_LINE = r"^\S+ (\S{8})\S* INFO pacslabel\.pipeline\.stages: stage (\S+): running"


def _summary(logs: str) -> dict:
    """The JSON summary a job prints last."""
    start = logs.rindex("\n{\n")
    return json.loads(logs[start : logs.index("\n}\n", start) + 2])


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _keys(run: Path, table: str) -> list[str]:
    return pq.read_table(run / table, columns=["sop_instance_uid"]).column(0).to_pylist()


# ---------------------------------------------------------------- the test


def test_readme_walkthrough_submits_with_working_dir_and_lib_on_the_path():
    options, entrypoint = _readme_submit()
    assert options[:2] == ["--working-dir", "."]
    env = json.loads(options[options.index("--runtime-env-json") + 1])
    assert env == {"env_vars": {"PYTHONPATH": "lib"}}
    assert entrypoint[:3] == ["python", "-m", "jobs.pipeline"]


def test_pipeline_then_relabel_as_ray_jobs_on_a_multi_node_cluster(cluster, shared):
    started = time.time()
    nodes = cluster.alive_nodes()
    assert len(nodes) == 3
    cpus = sorted(float(n.get("resources_total", {}).get("CPU", 0)) for n in nodes)
    assert cpus == [0.0, 2.0, 2.0]  # the head takes no tasks

    first = _synth(shared / "a", studies=6, seed=3)
    pacs = shared / "pacs"
    shutil.copytree(first / "dicom", pacs)
    run = shared / "run"
    _, readme_entrypoint = _readme_submit()  # python -m jobs.pipeline --config configs/pipeline-demo.yaml ...
    paths = [f"input={pacs}", f"run_root={run}", f"reports={first / 'reports.csv'}"]
    logs = _submit(cluster, "pacslabel-pipeline", [*readme_entrypoint, *SMOKE, *paths])

    # the pipeline's progress lines and its summary reach the job's logs
    stages = ("ingest", "tags", "train_tag_ae", "train_cae", "embed_images", "reports", "label", "evaluate")
    for stage in stages:
        assert f"stage {stage}: running" in logs, stage
    summary = _summary(logs)
    assert summary["mode"] == "full" and summary["job"] == "pipeline"
    # the driver ran the shipped copy of this checkout, not the source tree
    shipped = re.search(r"pacslabel \S+ from (\S+)", logs)
    assert shipped and str(cluster.token) in shipped.group(1) and not shipped.group(1).startswith(str(ROOT))

    # outputs on the shared run root: one label per image, metrics and report
    images = _keys(run, "images")
    labels = _keys(run, "labels")
    assert len(images) == summary["ingest"]["tags"] > 0
    assert sorted(labels) == sorted(images)
    assert json.loads((run / "metrics.json").read_text())
    assert (run / "report.html").stat().st_size > 0
    assert json.loads((run / "_jobs" / "pipeline" / "summary.json").read_text())["mode"] == "full"
    models = _digest(run / "models")

    # new studies arrive (their reports appended to the reports file) and the same command relabels,
    # with the ingest of a large archive: listing, diff and duplicate resolution on the worker nodes
    second = _synth(shared / "b", studies=2, seed=4)
    shutil.copytree(second / "dicom", pacs / "arrived")
    n_new = sum(1 for p in (second / "dicom").rglob("*") if p.is_file())
    reports = shared / "reports_all.csv"
    reports.write_text(
        (first / "reports.csv").read_text()
        + "".join((second / "reports.csv").read_text().splitlines(keepends=True)[1:])
    )
    paths = [f"input={pacs}", f"run_root={run}", f"reports={reports}"]
    if THOROUGH:  # the relabel job with every step on actor pools and anti-joins (minutes more)
        relabel = ["python", "-m", "jobs.relabel", *paths, "ray.progress_bars=false", *RELABEL_ON_RAY]
    else:
        relabel = [*readme_entrypoint, *SMOKE, *paths]
    logs2 = _submit(cluster, "pacslabel-relabel", [*relabel, *AT_SCALE])
    s2 = _summary(logs2)
    assert s2.get("mode", "relabel") == "relabel"
    assert s2["ingest"]["new"] == n_new and s2["ingest"]["workers"] >= 1
    assert s2["assign"]["n_assigned"] == n_new
    labels2 = _keys(run, "labels")
    assert len(labels2) == len(set(labels2)) == len(labels) + n_new
    assert set(labels) <= set(labels2)
    assert sorted(labels2) == sorted(_keys(run, "images"))
    assert _digest(run / "models") == models  # nothing retrained
    print(f"cluster test: {len(images)} + {n_new} images, {time.time() - started:.0f} s")
