"""Deployment configs: cluster.yaml against Ray's own cluster-launcher schema, the KubeRay manifests'
structure, and the job entrypoints they run (a real job module, overrides that its config accepts).

Everything is offline: the schema and the provider defaults ship inside the installed ray package.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import itertools
import json
import os
import re
import shlex
import shutil
import tomllib
from pathlib import Path

import jsonschema
import pytest
import ray
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from pacslabel.config import load_config
from pacslabel.jobrunner import default_config_path

ROOT = Path(__file__).resolve().parents[2]
KUBERAY = ROOT / "configs" / "kuberay"
RAY_VERSION = ray.__version__


def _yaml(path: Path):
    return yaml.safe_load(path.read_text())


@pytest.fixture(scope="module")
def cluster() -> dict:
    return _yaml(ROOT / "cluster.yaml")


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.fixture(scope="module")
def manifests() -> dict[str, dict]:
    return {p.stem: _yaml(p) for p in sorted(KUBERAY.glob("*.yaml"))}


# ---------------------------------------------------------------- helpers


def _schema() -> dict:
    import ray.autoscaler

    return json.loads((Path(ray.autoscaler.__file__).parent / "ray-schema.json").read_text())


def _req_key(text: str) -> tuple:
    r = Requirement(text)
    return canonicalize_name(r.name), frozenset(r.extras), str(r.specifier)


def _pip_installs(commands: list[str]) -> list[tuple[list[str], list[str]]]:
    """(options, arguments) of every ``pip install`` in a list of shell commands."""
    out = []
    for command in commands:
        lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        simple: list[list[str]] = [[]]
        for token in lexer:
            if token in ("&&", "||", ";", "|", "(", ")"):
                simple.append([])
            else:
                simple[-1].append(token)
        for tokens in simple:
            for i in range(len(tokens) - 1):
                if tokens[i].endswith("pip") and tokens[i + 1] == "install":
                    rest = tokens[i + 2 :]
                    options = [t for t in rest if t.startswith("-")]
                    args, skip = [], False
                    for t in rest:
                        if skip:
                            skip = False
                        elif t in ("--index-url", "--extra-index-url", "-r", "-c"):
                            skip = True
                        elif not t.startswith("-"):
                            args.append(t)
                    out.append((options, args))
    return out


def _requirements(commands: list[str]) -> list[str]:
    """Requirement specifiers (not paths) installed by ``commands``."""
    return [a for _, args in _pip_installs(commands) for a in args if not a.startswith(("/", ".", "~"))]


def _effective_setup(cfg: dict) -> dict[str, list[str]]:
    """The setup commands each node type runs, as the launcher merges them (prepare_config)."""
    from ray.autoscaler._private.util import prepare_config

    prepared = prepare_config(copy.deepcopy(cfg))
    out = {}
    for name, node in prepared["available_node_types"].items():
        if name == prepared["head_node_type"]:
            out[name] = prepared["head_setup_commands"]
        else:
            out[name] = node.get("worker_setup_commands", prepared["worker_setup_commands"])
    return out


def _ray_pins(commands: list[str]) -> list[str]:
    pins = []
    for req in _requirements(commands):
        r = Requirement(req)
        if canonicalize_name(r.name) == "ray":
            pins.append(str(r.specifier))
    return pins


# ---------------------------------------------------------------- cluster.yaml


def test_cluster_yaml_passes_ray_schema_validation(cluster):
    from ray.autoscaler._private.util import prepare_config, validate_config

    jsonschema.validate(cluster, _schema())  # as written: no unknown keys anywhere
    validate_config(prepare_config(copy.deepcopy(cluster)))  # as `ray up` sees it, defaults merged


@pytest.mark.parametrize(
    "mutate",
    [
        lambda c: c.update(setup_command=[]),  # typo of a top-level key
        lambda c: c["available_node_types"]["head"]["resources"].update(CPU=-1),
        lambda c: c["available_node_types"]["cpu_worker"].update(max_workers="many"),
    ],
    ids=["unknown-top-level-key", "negative-resource", "non-integer-max-workers"],
)
def test_schema_validation_rejects_broken_variants(cluster, mutate):
    broken = copy.deepcopy(cluster)
    mutate(broken)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, _schema())


def test_head_takes_no_tasks(cluster):
    head = cluster["available_node_types"][cluster["head_node_type"]]
    assert head["resources"] == {"CPU": 0}


def test_worker_groups_autoscale_within_bounds(cluster):
    types = cluster["available_node_types"]
    assert set(types) == {cluster["head_node_type"], "cpu_worker", "gpu_worker"}
    for name in ("cpu_worker", "gpu_worker"):
        node = types[name]
        assert 0 <= node["min_workers"] < node["max_workers"], name
    assert sum(t.get("min_workers", 0) for t in types.values()) <= cluster["max_workers"]
    assert max(types[n]["max_workers"] for n in ("cpu_worker", "gpu_worker")) <= cluster["max_workers"]
    # AWS GPU families (g4dn, g5, g6, p3, p4d, p5 ...) vs. a CPU family for ingest.
    assert re.match(r"^[gp]\d", types["gpu_worker"]["node_config"]["InstanceType"])
    assert not re.match(r"^[gp]\d", types["cpu_worker"]["node_config"]["InstanceType"])


def test_every_node_type_pins_the_installed_ray(cluster):
    setup = _effective_setup(cluster)
    assert set(setup) == set(cluster["available_node_types"])
    for name, commands in setup.items():
        pins = _ray_pins(commands)
        assert pins, f"{name}: no pinned ray install"
        assert set(pins) == {f"=={RAY_VERSION}"}, f"{name}: {pins}"


def test_docker_images_carry_the_installed_ray(cluster):
    images = [cluster["docker"]["image"]]
    images += [n["docker"]["worker_image"] for n in cluster["available_node_types"].values() if "docker" in n]
    for image in images:
        assert image.split(":", 1)[1].startswith(f"{RAY_VERSION}-py311"), image
    assert cluster["available_node_types"]["gpu_worker"]["docker"]["worker_image"].endswith("-gpu")


def test_gpu_group_installs_faiss_gpu_and_every_other_dependency_but_not_faiss_cpu(cluster, pyproject):
    gpu = _effective_setup(cluster)["gpu_worker"]
    assert not any("faiss-cpu" in c for c in gpu)
    installed = {_req_key(r) for r in _requirements(gpu)}
    (faiss_gpu,) = pyproject["optional-dependencies"]["gpu"]
    assert _req_key(faiss_gpu) in installed
    needed = [d for d in pyproject["dependencies"] if canonicalize_name(Requirement(d).name) != "faiss-cpu"]
    missing = [d for d in needed if _req_key(d) not in installed]
    assert not missing, f"GPU workers lack project dependencies: {missing}"
    # The project itself must not pull its faiss-cpu dependency in.
    project = next(iter(cluster["file_mounts"]))
    project_installs = [opts for opts, args in _pip_installs(gpu) if project in args]
    assert project_installs and all("--no-deps" in opts for opts in project_installs)


def test_head_and_cpu_workers_install_the_project_with_its_dependencies(cluster, pyproject):
    assert any(canonicalize_name(Requirement(d).name) == "faiss-cpu" for d in pyproject["dependencies"])
    project = next(iter(cluster["file_mounts"]))
    assert cluster["file_mounts"][project] == "."
    for name in (cluster["head_node_type"], "cpu_worker"):
        commands = _effective_setup(cluster)[name]
        installs = [opts for opts, args in _pip_installs(commands) if project in args]
        assert installs and all("--no-deps" not in opts for opts in installs), name
        assert not any("faiss-gpu" in c for c in commands), name
        # torch comes from the CPU index before the project, so pip does not fetch the CUDA build.
        torch = [i for i, c in enumerate(commands) if '"torch==' in c]
        project_at = next(i for i, c in enumerate(commands) if project in c)
        assert torch and "whl/cpu" in commands[torch[0]] and torch[0] < project_at, name


# ---------------------------------------------------------------- KubeRay manifests


def _cluster_specs(manifests: dict) -> list[dict]:
    specs = [manifests["raycluster"]["spec"]]
    cron = manifests["raycronjob"]["spec"]["jobTemplate"]
    specs.append(cron["rayClusterSpec"])
    return specs


def _groups(spec: dict) -> list[dict]:
    return [spec["headGroupSpec"], *spec["workerGroupSpecs"]]


def test_manifest_kinds_and_api_versions(manifests):
    kinds = {name: (m["apiVersion"], m["kind"]) for name, m in manifests.items()}
    assert kinds == {
        "raycluster": ("ray.io/v1", "RayCluster"),
        "rayjob": ("ray.io/v1", "RayJob"),
        "raycronjob": ("ray.io/v1", "RayCronJob"),
    }


def test_cluster_specs_use_the_installed_ray(manifests):
    for spec in _cluster_specs(manifests):
        assert spec["rayVersion"] == RAY_VERSION
        for group in _groups(spec):
            for container in group["template"]["spec"]["containers"]:
                tag = container["image"].rsplit(":", 1)[1]
                assert tag.startswith(f"{RAY_VERSION}-py311-"), container["image"]


def test_cluster_spec_head_cpu_and_gpu_groups(manifests):
    for spec in _cluster_specs(manifests):
        assert spec["headGroupSpec"]["rayStartParams"]["num-cpus"] == "0"
        groups = {g["groupName"]: g for g in spec["workerGroupSpecs"]}
        assert set(groups) == {"cpu", "gpu"}
        for g in groups.values():
            assert 0 <= g["minReplicas"] <= g["replicas"] <= g["maxReplicas"]
            assert g["maxReplicas"] > 0
        gpu = groups["gpu"]["template"]["spec"]["containers"][0]
        assert int(gpu["resources"]["limits"]["nvidia.com/gpu"]) >= 1
        assert gpu["image"].endswith("-gpu")
        cpu = groups["cpu"]["template"]["spec"]["containers"][0]
        assert "nvidia.com/gpu" not in cpu["resources"].get("limits", {})


def test_every_pod_mounts_the_shared_run_root_and_the_archive(manifests):
    for spec in _cluster_specs(manifests):
        for group in _groups(spec):
            pod = group["template"]["spec"]
            (container,) = pod["containers"]
            mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
            assert set(mounts) == {"/mnt/shared", "/mnt/pacs"}
            assert mounts["/mnt/pacs"]["readOnly"] is True
            claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"]}
            assert set(claims) == {m["name"] for m in mounts.values()}
            env = {e["name"]: e["value"] for e in container["env"]}
            assert env["PYTHONPATH"].split(":") == ["/home/ray/pacslabel", "/home/ray/pacslabel/lib"]


def test_scheduled_runs_get_the_same_cluster_as_raycluster_yaml(manifests):
    cron = manifests["raycronjob"]["spec"]["jobTemplate"]
    assert cron["rayClusterSpec"] == manifests["raycluster"]["spec"]
    assert cron["shutdownAfterJobFinishes"] is True
    job = manifests["rayjob"]["spec"]
    assert job["clusterSelector"] == {"ray.io/cluster": manifests["raycluster"]["metadata"]["name"]}


def _entrypoints(manifests) -> dict[str, str]:
    return {
        "rayjob": manifests["rayjob"]["spec"]["entrypoint"],
        "raycronjob": manifests["raycronjob"]["spec"]["jobTemplate"]["entrypoint"],
    }


def _capture_job(module_name: str, argv: list[str]):
    """Import ``jobs.<verb>`` and call its ``main(argv)`` with ``run_job`` replaced by a recorder."""
    module = importlib.import_module(module_name)
    calls = []

    def record(verb, config_cls, function, argv=None):
        calls.append((verb, config_cls, function, argv))
        return {}

    original = module.run_job
    module.run_job = record
    try:
        module.main(argv)
    finally:
        module.run_job = original
    (call,) = calls
    return call


@pytest.mark.parametrize("name", ["rayjob", "raycronjob"])
def test_entrypoint_is_a_job_whose_config_accepts_every_override(manifests, name):
    tokens = shlex.split(_entrypoints(manifests)[name])
    assert tokens[:2] == ["python", "-m"]
    module_name, overrides = tokens[2], tokens[3:]
    assert module_name.startswith("jobs.")
    assert (ROOT / "jobs" / f"{module_name.split('.', 1)[1]}.py").is_file()
    verb, config_cls, _function, argv = _capture_job(module_name, overrides)
    assert argv == overrides and all("=" in o for o in overrides)
    cfg = load_config(config_cls, default_config_path(verb), overrides)  # raises on any unknown key
    values = dict(o.split("=", 1) for o in overrides)
    assert cfg.run_root == values["run_root"] and cfg.run_root.startswith("/mnt/shared/")
    assert cfg.input == values["input"] == "/mnt/pacs"
    assert cfg.ray.progress_bars is False


@pytest.mark.parametrize("name", ["rayjob", "raycronjob"])
def test_entrypoint_runs_the_production_preset_on_the_gpu_group(manifests, name):
    from pacslabel.pipeline import PipelineConfig

    tokens = shlex.split(_entrypoints(manifests)[name])
    assert tokens[2] == "jobs.pipeline" and "--config" not in tokens
    assert default_config_path("pipeline") == ROOT / "configs" / "pipeline.yaml"  # not the demo preset
    cfg = load_config(PipelineConfig, default_config_path("pipeline"), tokens[3:])
    cae, *_, last = cfg.image_models
    assert (cae.model, cae.cae.input_size, last.model) == ("cae", 256, "constrained_dec")
    # training and embedding ask for GPUs (the GPU group starts from zero replicas) within the group's size
    assert all(m.scaling.use_gpu for m in cfg.image_models) and cfg.embed.use_gpu
    for spec in _cluster_specs(manifests):
        gpu = next(g for g in spec["workerGroupSpecs"] if g["groupName"] == "gpu")
        per_pod = int(gpu["template"]["spec"]["containers"][0]["resources"]["limits"]["nvidia.com/gpu"])
        capacity = per_pod * gpu["maxReplicas"]
        assert cfg.embed.max_actors <= capacity
        assert all(m.scaling.num_workers <= capacity for m in cfg.image_models)


def test_rayjob_and_schedule_label_the_same_run_root(manifests):
    entries = _entrypoints(manifests)
    assert entries["rayjob"] == entries["raycronjob"]


# ---------------------------------------------------------------- cron schedule

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_NAMES = {3: {m: i for i, m in enumerate(_MONTHS, 1)}, 4: {d: i for i, d in enumerate(_WEEKDAYS)}}
_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]


def _cron_value(text: str, names: dict[str, int]) -> int:
    return names[text.lower()] if text.lower() in names else int(text)


def _cron_field(text: str, index: int) -> set[int]:
    lo, hi = _RANGES[index]
    names = _NAMES.get(index, {})
    values: set[int] = set()
    for item in text.split(","):
        base, _, step_text = item.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(f"bad step in {item!r}")
        if base == "*":
            a, b = lo, hi
        else:
            first, _, last = base.partition("-")
            a = _cron_value(first, names)
            b = _cron_value(last, names) if last else (hi if step_text else a)
        if not (lo <= a <= b <= hi):
            raise ValueError(f"{item!r} outside {lo}-{hi}")
        values.update(range(a, b + 1, step))
    if index == 4 and 7 in values:  # 7 and 0 are both Sunday
        values = (values - {7}) | {0}
    return values


def parse_cron(expr: str) -> list[set[int]]:
    """The five fields of a standard cron expression as value sets; ValueError when invalid."""
    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(f"{expr!r}: expected 5 fields, got {len(fields)}")
    return [_cron_field(f, i) for i, f in enumerate(fields)]


def cron_times(expr: str, start: dt.datetime, days: int) -> list[dt.datetime]:
    """Every firing time of ``expr`` in ``days`` days from ``start`` (cron's day-of-month OR day-of-week
    rule when both are restricted)."""
    minutes, hours, dom, months, dow = parse_cron(expr)
    dom_any, dow_any = expr.split()[2] == "*", expr.split()[4] == "*"
    out = []
    for d in range(days):
        day = start + dt.timedelta(days=d)
        in_dom, in_dow = day.day in dom, (day.isoweekday() % 7) in dow
        day_ok = (in_dom or in_dow) if not (dom_any or dow_any) else (in_dom and in_dow)
        if day.month in months and day_ok:
            out += [day.replace(hour=h, minute=m) for h in sorted(hours) for m in sorted(minutes)]
    return out


@pytest.mark.parametrize(
    ("expr", "ok"),
    [
        ("0 2 * * *", True),
        ("*/15 1-5 * * mon-fri", True),
        ("30 4 1,15 jan,jul 0", True),
        ("0 2 * *", False),
        ("60 2 * * *", False),
        ("0 24 * * *", False),
        ("0 2 0 * *", False),
        ("0 2 * 13 *", False),
        ("*/0 * * * *", False),
        ("@daily", False),
    ],
)
def test_cron_parser(expr, ok):
    if ok:
        parse_cron(expr)
    else:
        with pytest.raises(ValueError):
            parse_cron(expr)


def test_cron_times_hand_computed():
    start = dt.datetime(2026, 1, 1)  # a Thursday
    times = cron_times("0 2 * * *", start, 3)
    assert times == [dt.datetime(2026, 1, d, 2, 0) for d in (1, 2, 3)]
    weekdays = cron_times("30 6 * * mon-fri", start, 7)
    assert [t.day for t in weekdays] == [1, 2, 5, 6, 7]


def test_schedule_is_valid_and_runs_cannot_overlap(manifests):
    spec = manifests["raycronjob"]["spec"]
    parse_cron(spec["schedule"])
    times = cron_times(spec["schedule"], dt.datetime(2026, 1, 1), 400)
    assert len(times) >= 2
    shortest_gap = min((b - a).total_seconds() for a, b in itertools.pairwise(times))
    assert spec["jobTemplate"]["activeDeadlineSeconds"] < shortest_gap
    assert spec["suspend"] is False


# ---------------------------------------------------------------- the recommended runtime env


def test_pythonpath_lib_in_the_runtime_env_makes_lib_importable_on_workers(ray_local, tmp_path):
    """``ray job submit --working-dir . --runtime-env-json '{"env_vars": {"PYTHONPATH": "lib"}}'``:
    workers run in the shipped copy and import the package from its lib/ (a probe package stands in
    for pacslabel, which this test environment has installed anyway)."""
    shipped = tmp_path / "shipped"
    package = shipped / "lib" / "pacslabel_deploy_probe"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("MARK = 'shipped'\n")
    # Per task Ray takes only URIs; a zip with one top-level directory is what `--working-dir` uploads.
    archive = shutil.make_archive(str(tmp_path / "working_dir"), "zip", root_dir=tmp_path, base_dir="shipped")

    @ray.remote(num_cpus=0)
    def probe():
        import pacslabel_deploy_probe

        return pacslabel_deploy_probe.MARK, pacslabel_deploy_probe.__file__, os.getcwd()

    env = {"working_dir": f"file://{archive}", "env_vars": {"PYTHONPATH": "lib"}}
    mark, file, cwd = ray.get(probe.options(runtime_env=env).remote(), timeout=120)
    assert mark == "shipped"
    assert Path(file).resolve() == (Path(cwd) / "lib" / "pacslabel_deploy_probe" / "__init__.py").resolve()
    assert Path(cwd).resolve() != shipped.resolve()  # the unpacked copy, not the source directory


def test_every_ray_process_runs_arrow_on_the_system_allocator(cluster, manifests):
    """As ``pacslabel.runtime`` sets for a local Ray: cluster nodes start Ray with the variable set."""
    for key in ("head_start_ray_commands", "worker_start_ray_commands"):
        start = next(cmd for cmd in cluster[key] if "ray start" in cmd)
        assert "export ARROW_DEFAULT_MEMORY_POOL=system;" in start.split("ray start")[0], key
    for spec in _cluster_specs(manifests):
        for group in _groups(spec):
            for container in group["template"]["spec"]["containers"]:
                env = {e["name"]: e.get("value") for e in container.get("env", [])}
                assert env.get("ARROW_DEFAULT_MEMORY_POOL") == "system", container["name"]
