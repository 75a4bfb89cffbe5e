"""Appearance groups: parsing, and pixels that differ the way the groups do in a real archive."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import ndimage

from pacslabel.synth.appearance import Appearance, default_appearance, draw_appearances
from pacslabel.synth.canvas import Pose
from pacslabel.synth.catalog.appearances import appearance_weights
from pacslabel.synth.catalog.modalities import REGION_WEIGHTS
from pacslabel.synth.render.drawing import tissue_map
from pacslabel.synth.render.frames import render_frames
from pacslabel.synth.render.style import Pixels, Style


def _style(modality: str, region: str, name: str, seed: int = 4, size: int = 128) -> Style:
    look = Appearance.parse(name)
    frames = 3 if modality == "XA" or look.mode in ("SPECT", "DYNAMIC", "SEQUENCE") else 1
    pose = Pose(0.05, 1.0, 0.0, 0.0, False)
    return Style(modality, region, size, size, frames=frames, appearance=look, anat_seed=seed, pose=pose)


def _render(style: Style, z: float = 0.0) -> Pixels:
    return render_frames(style, z, np.random.default_rng(0))


def _means(
    modality: str, region: str, name: str, tissues: tuple[str, ...], z: float = 0.0
) -> dict[str, float]:
    """Mean stored value over each tissue of the drawing (the work map is the image size here)."""
    style = _style(modality, region, name)
    work, ctx = tissue_map(style, z, np.random.default_rng(0))
    img = _render(style, z).array.astype(np.float32)
    assert img.shape == work.shape
    out = {}
    for tissue in tissues:
        mask = work == np.float32(ctx["pal"][tissue])
        assert mask.sum() > 50, tissue
        out[tissue] = float(img[mask].mean())
    return out


def test_parse_and_truth():
    look = Appearance.parse("SOFT COR PORTAL")
    assert (look.kernel, look.plane, look.phase, look.sequence) == ("SOFT", "COR", "PORTAL", None)
    assert look.contrast and not Appearance.parse("BONE AX").contrast and Appearance.parse("T1C AX").contrast
    assert look.truth() == {
        "appearance": "SOFT COR PORTAL",
        "sequence": None,
        "plane": "COR",
        "kernel": "SOFT",
        "phase": "PORTAL",
        "view": None,
        "mode": None,
    }
    assert default_appearance("CR", "CHEST").view == "PA"
    looks = draw_appearances(np.random.default_rng(0), "CR", "KNEE", 5)
    assert [a.view for a in looks[:2]] in (["AP", "LAT"], ["LAT", "AP"])  # distinct before repeating


def test_mr_sequences_change_tissue_contrast():
    t1 = _means("MR", "HEAD", "T1 AX", ("FLUID", "BRAIN", "WHITE"))
    t2 = _means("MR", "HEAD", "T2 AX", ("FLUID", "BRAIN", "WHITE"))
    flair = _means("MR", "HEAD", "FLAIR AX", ("FLUID", "BRAIN", "WHITE"))
    assert t2["FLUID"] > 1.5 * t2["BRAIN"]  # fluid bright on T2
    assert t1["FLUID"] < 0.5 * t1["BRAIN"] and flair["FLUID"] < 0.5 * flair["BRAIN"]  # dark on T1 / FLAIR
    assert t1["WHITE"] > t1["BRAIN"] and flair["BRAIN"] > flair["WHITE"]  # grey-white contrast flips
    t1_spine = _means("MR", "LSPINE", "T1 SAG", ("FAT", "SOFT", "FLUID"))
    stir = _means("MR", "LSPINE", "STIR SAG", ("FAT", "SOFT", "FLUID"))
    assert t1_spine["FAT"] > 1.5 * t1_spine["SOFT"] and stir["FAT"] < 0.3 * stir["SOFT"]  # fat suppressed
    assert stir["FLUID"] > 3 * stir["SOFT"]


def test_ct_kernel_sharpness_and_window():
    def gradient(name: str) -> tuple[float, Pixels]:
        px = _render(_style("CT", "PELVIS", name))
        hu = px.array.astype(np.float32) - 1024.0
        inside = (hu > -500)[:, 1:]
        return float(np.abs(np.diff(hu, axis=1))[inside].mean()), px

    soft, soft_px = gradient("SOFT AX NONCONTRAST")
    bone, bone_px = gradient("BONE AX")
    assert bone > 2 * soft
    assert bone_px.window[0][0] > 300 > soft_px.window[0][0]
    assert _render(_style("CT", "CHEST", "LUNG AX")).window[0][0] < -300


def test_ct_contrast_phase_brightens_vessels_and_organs():
    portal = _style("CT", "ABDOMEN", "SOFT AX PORTAL")
    work, ctx = tissue_map(portal, 0.0, np.random.default_rng(0))
    enhancing = np.isin(work, np.float32([ctx["pal"][t] for t in ("BLOOD", "KIDNEY", "ORGAN")]))
    assert enhancing.sum() > 200

    def mean_hu(name: str) -> float:
        return float(_render(_style("CT", "ABDOMEN", name)).array[enhancing].mean()) - 1024.0

    native, venous = mean_hu("SOFT AX NONCONTRAST"), mean_hu("SOFT AX PORTAL")
    assert venous > native + 50


def test_lateral_radiograph_has_another_silhouette():
    def body_width(name: str, seed: int) -> float:
        px = _render(_style("CR", "CHEST", name, seed=seed))
        a = px.array.astype(np.float32)
        profile = a[40:90].mean(axis=0)
        return float((profile > np.percentile(a, 2) + 0.15 * ((1 << px.bits_stored) - 1)).mean())

    for seed in range(4, 8):
        assert body_width("LAT", seed) < 0.9 * body_width("PA", seed)


def test_doppler_paints_colour_flow():
    def coloured(name: str) -> float:
        a = _render(_style("US", "ABDOMEN", name)).array.astype(np.int16)
        return float(((a.max(axis=2) - a.min(axis=2)) > 60).mean())

    assert coloured("BMODE LONG") == 0.0
    assert coloured("DOPPLER LONG") > 0.005


def _shown(px: Pixels) -> np.ndarray:
    """What a viewer shows: the stored window (or the 1-99th percentiles) mapped to [0, 1]."""
    a = px.array.astype(np.float32)
    if px.photometric == "RGB":
        return a / 255.0
    a = a[a.shape[0] // 2] if a.ndim == 3 else a
    if px.rescale is not None:
        a = a * px.rescale[0] + px.rescale[1]
    if px.window is not None:
        lo, hi = px.window[0][0] - px.window[1][0] / 2, px.window[0][0] + px.window[1][0] / 2
    else:
        lo, hi = np.percentile(a, (1, 99))
    return np.clip((a - lo) / max(hi - lo, 1e-6), 0.0, 1.0)


@pytest.mark.parametrize("modality", list(REGION_WEIGHTS))
def test_every_group_has_its_own_look(modality):
    """Same anatomy, same noise: any two groups of a modality and region render differently."""
    for region in REGION_WEIGHTS[modality]:
        names = list(appearance_weights(modality, region))
        shown = {name: _shown(_render(_style(modality, region, name, size=96))) for name in names}
        for a, b in itertools.combinations(names, 2):
            assert np.abs(shown[a] - shown[b]).mean() > 0.001, (modality, region, a, b)


def test_mammogram_views_and_sides():
    """MLO shows the pectoral muscle in the upper chest-wall corner, CC does not; a right breast is the
    mirror image of a left one (chest wall on the image's right)."""

    def render(name: str, flip: bool = False) -> np.ndarray:
        look = Appearance.parse(name)
        style = Style("MG", "BREAST", 160, 128, appearance=look, anat_seed=4, pose=Pose(0.0, 1.0, 0, 0, flip))
        px = render_frames(style, 0.0, np.random.default_rng(0))
        assert px.photometric == "MONOCHROME2" and px.array.shape == (160, 128)
        return px.array.astype(np.float32)

    cc, mlo = render("CC"), render("MLO")
    corner = (slice(0, 30), slice(0, 25))
    assert mlo[corner].mean() > 1.3 * cc[corner].mean()
    left, right = render("CC"), render("CC", flip=True)
    assert left[:, :40].mean() > 2 * left[:, -40:].mean()  # the breast lies against the chest wall
    assert right[:, -40:].mean() > 2 * right[:, :40].mean()


def test_pet_attenuation_correction_and_projection():
    """Without attenuation correction the body's centre fades against its rim; the maximum intensity
    projection is a tall whole-body image stored black on white; activity is stored in Bq/ml."""

    def activity(name: str, rows: int = 128, cols: int = 128) -> tuple[np.ndarray, Pixels]:
        px = _render(
            _style("PT", "WHOLEBODY", name, size=rows) if rows == cols else _tall(name, rows, cols), 0.2
        )
        return px.array * px.rescale[0] + px.rescale[1], px

    ac, ac_px = activity("AC AX")
    nac, _ = activity("NAC AX")
    body = ndimage.binary_fill_holes(ac > 1000.0)
    depth = ndimage.distance_transform_edt(body)
    deep, shallow = depth > 0.6 * depth.max(), body & (depth < 5)
    assert nac[deep].sum() / ac[deep].sum() < 0.5 * nac[shallow].sum() / ac[shallow].sum()
    assert ac_px.photometric == "MONOCHROME2" and ac.max() > 10_000  # hot organs above 2 SUV
    mip, mip_px = activity("MIP ANT", 192, 96)
    assert mip_px.photometric == "MONOCHROME1" and mip.shape == (192, 96)


def _tall(name: str, rows: int, cols: int) -> Style:
    return Style("PT", "WHOLEBODY", rows, cols, appearance=Appearance.parse(name), anat_seed=4)
