"""Random tag tables with the columns of ``tags/`` (for tests and benchmarks; no DICOM involved).

Rows are drawn per (modality, region) so that tags correlate the way they do in an archive: MR rows
carry echo / repetition times and an acquisition type, projection radiographs carry exposures and no
orientation, descriptions are multilingual variants of the region's name with typos and blanks.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from pacslabel.runroot import ACCESSION_KEY, SERIES_UID, STUDY_UID, UID

_REGION_TEXT = {
    "HEAD": ["CT glave", "MR mozga", "Schädel nativ", "BRAIN W/O", "Kopf"],
    "CHEST": ["RTG pluća", "thorax pa", "CT toraksa", "prsni koš", "Chest PA"],
    "ABDOMEN": ["abdomen nativ", "CT trbuha", "Abdomen", "Oberbauch"],
    "LSPINE": ["lumbalna kralježnica", "LWS", "L-SPINE", "lumbalna kraljeznica"],
    "KNEE": ["koljeno", "Knie", "KNEE", "genu"],
    "HAND": ["šaka", "Hand", "ručni zglob", "wrist"],
    "PELVIS": ["zdjelica", "Becken", "PELVIS"],
    "SHOULDER": ["rame", "Schulter", "shoulder"],
}
_BPE = {
    "HEAD": ["HEAD", "BRAIN", "Schädel"],
    "CHEST": ["CHEST", "THORAX"],
    "ABDOMEN": ["ABDOMEN", "ABDOM"],
    "LSPINE": ["LSPINE", "L_SPINE", "L-SPINE", "LWS"],
    "KNEE": ["KNEE", "KNIE"],
    "HAND": ["HAND", "WRIST"],
    "PELVIS": ["PELVIS", "BECKEN"],
    "SHOULDER": ["SHOULDER", "SCHULTER"],
}
_MODALITY_REGIONS = {
    "CT": ["HEAD", "CHEST", "ABDOMEN", "LSPINE", "PELVIS"],
    "MR": ["HEAD", "KNEE", "LSPINE", "SHOULDER", "ABDOMEN"],
    "CR": ["CHEST", "HAND", "KNEE", "PELVIS", "LSPINE", "SHOULDER"],
    "DX": ["CHEST", "HAND", "KNEE"],
    "US": ["ABDOMEN"],
}
_MANUFACTURERS = {
    "CT": ["SIEMENS", "GE MEDICAL SYSTEMS", "TOSHIBA"],
    "MR": ["SIEMENS", "Philips"],
    "CR": ["Agfa", "FUJIFILM Corporation"],
    "DX": ["Carestream Health"],
    "US": ["ESAOTE"],
}
_ORIENT = {
    "axial": [1, 0, 0, 0, 1, 0],
    "sagittal": [0, 1, 0, 0, 0, -1],
    "coronal": [1, 0, 0, 0, 0, -1],
}


def random_tags(n: int, seed: int = 0, missing_bpe: float = 0.3) -> pd.DataFrame:
    """``n`` rows with the ``tags/`` columns plus ``truth_region`` (drop it before use as a table)."""
    rng = np.random.default_rng(seed)
    modalities = np.array(list(_MODALITY_REGIONS))
    mod = rng.choice(modalities, n, p=[0.3, 0.3, 0.2, 0.1, 0.1])
    rows = []
    for i in range(n):
        m = str(mod[i])
        region = str(rng.choice(_MODALITY_REGIONS[m]))
        tomographic = m in ("CT", "MR")
        orient = _ORIENT[str(rng.choice(list(_ORIENT)))] if tomographic else None
        iop = (np.asarray(orient, float) + rng.normal(0, 0.01, 6)) if orient is not None else [None] * 6
        bpe = None if rng.random() < missing_bpe else str(rng.choice(_BPE[region]))
        desc = str(rng.choice(_REGION_TEXT[region])) if rng.random() < 0.9 else None
        xray = m in ("CT", "CR", "DX")
        row = {
            UID: f"1.2.826.0.1.3680043.9.{seed}.{i}",
            STUDY_UID: f"1.2.826.0.1.3680043.9.{seed}.s{i // 8}",
            SERIES_UID: f"1.2.826.0.1.3680043.9.{seed}.r{i // 4}",
            "sop_class_uid": "1.2.840.10008.5.1.4.1.1.2",
            "path": f"/archive/{i // 1000}/{i}.dcm",
            "patient_key": f"{rng.integers(1 << 60):016x}",
            ACCESSION_KEY: f"{rng.integers(1 << 60):016x}",
            "modality": m,
            "body_part_examined": bpe,
            "study_description": desc,
            "series_description": None,
            "protocol_name": None,
            "requested_procedure_description": None,
            "manufacturer": str(rng.choice(_MANUFACTURERS[m])),
            "manufacturer_model_name": f"model-{m}-{rng.integers(2)}",
            "patient_position": str(rng.choice(["HFS", "FFS", "HFP"])) if tomographic else None,
            "mr_acquisition_type": str(rng.choice(["2D", "3D"])) if m == "MR" else None,
            **{
                f"image_orientation_patient_{k}": (None if iop[k] is None else float(iop[k]))
                for k in range(6)
            },
            "pixel_spacing_0": float(rng.uniform(0.1, 1.0)),
            "pixel_spacing_1": float(rng.uniform(0.1, 1.0)),
            "exposure_time": float(rng.uniform(5, 2000)) if xray else None,
            "exposure": float(rng.uniform(1, 400)) if xray else None,
            "kvp": float(rng.choice([80, 100, 120, 140])) if xray else None,
            "slice_thickness": float(rng.choice([1.0, 2.5, 5.0])) if tomographic else None,
            "repetition_time": float(rng.uniform(300, 6000)) if m == "MR" else None,
            "echo_time": float(rng.uniform(5, 120)) if m == "MR" else None,
            "window_center": float(rng.uniform(30, 600)),
            "window_width": float(rng.uniform(80, 2000)),
            "rescale_slope": 1.0,
            "rescale_intercept": -1024.0 if m == "CT" else 0.0,
            "patient_age": float(rng.integers(1, 95)) if rng.random() < 0.95 else None,
            "patient_sex": str(rng.choice(["M", "F"])),
            "photometric_interpretation": "MONOCHROME1" if m == "CR" else "MONOCHROME2",
            "rows": int(rng.choice([256, 512, 2048])),
            "columns": int(rng.choice([256, 512, 2048])),
            "number_of_frames": 1,
            "bits_stored": int(rng.choice([12, 16])),
            "transfer_syntax_uid": "1.2.840.10008.1.2.1",
            "other_tags": json.dumps(
                {
                    "ImageType": ["ORIGINAL", "PRIMARY", "AXIAL" if tomographic else "OTHER"],
                    "SliceLocation": float(rng.uniform(-200, 200)) if tomographic else None,
                    "StudyDate": "20170101",
                    "SeriesNumber": int(rng.integers(1, 12)),
                }
            ),
            "run_id": "test",
            "truth_region": region,
        }
        rows.append(row)
    return pd.DataFrame(rows)
