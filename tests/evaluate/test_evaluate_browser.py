"""report.html renders in headless Chromium: the DOM holds the cluster cards and the page is not blank."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pacslabel.config import load_config
from pacslabel.evaluate import EvaluateConfig, run_evaluate
from pacslabel.runroot import RunRoot
from pacslabel.synth.toy_run import write_toy_run_root


def _chromium() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.skip(
        "Chromium is not installed (/usr/bin/chromium); `apt-get install -y chromium` enables this test"
    )


def _run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    binary = _chromium()
    tmp = tmp_path_factory.mktemp("browser")
    root = RunRoot(tmp / "run")
    toy = write_toy_run_root(root, per_group=6, moved=1, side=64)
    cfg = load_config(
        EvaluateConfig, None, [f"run_root={root.uri}", f"truth={toy.truth_path}", "report.tsne_sample=30"]
    )
    run_evaluate(cfg)
    url = Path(root.path("report.html")).as_uri()
    dom = _run_chromium(binary, tmp / "profile-dom", "--dump-dom", url)
    shot = tmp / "report.png"
    _run_chromium(binary, tmp / "profile-shot", "--window-size=1280,2400", f"--screenshot={shot}", url)
    return dom, shot, root.read_json("metrics.json")


def test_dom_holds_every_cluster_card(rendered):
    dom, _, metrics = rendered
    assert dom.returncode == 0, dom.stderr[-2000:]
    labels = re.findall(r'<article class="cluster-card" id="cluster-(\d+)"', dom.stdout)
    assert sorted(labels) == sorted(metrics["cluster_sizes"]["sizes"])
    assert dom.stdout.count("data:image/png;base64,") >= 3
    assert 'id="metrics"' in dom.stdout and "<svg" in dom.stdout


def test_screenshot_is_not_blank(rendered):
    _, shot, _ = rendered
    assert shot.exists(), "Chromium wrote no screenshot"
    img = np.asarray(Image.open(shot).convert("RGB"), dtype=np.int16)
    assert img.shape[0] >= 1000 and img.shape[1] >= 1000
    assert img.std() > 20  # a blank page is one flat colour
    colours = {tuple(c) for c in img[::7, ::7].reshape(-1, 3)}
    assert len(colours) > 50
