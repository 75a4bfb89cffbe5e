"""Tiny DICOM files built with pydicom for the ingest tests (identifiers are fake and searchable)."""

from __future__ import annotations

import numpy as np

SECRETS = {
    "PatientName": "Zzyzxsecret^Quilliam",
    "PatientID": "PIDZX9137",
    "AccessionNumber": "ACCZX4471",
    "PatientBirthDate": "19010203",
    "PatientAddress": "77 Secretlane Zzyzx",
    "InstitutionName": "Zzyzx Secret Clinic",
    "ReferringPhysicianName": "Drzzyzx^Hidden",
    "OperatorsName": "Opzzyzx^Hidden",
    "StationName": "STATZZYZX",
    "PerformedStationAETitle": "AETZZYZX",
    "StudyID": "SIDZX55",
}


def make_dataset(uid_suffix: str, modality: str = "CT", rows: int = 32, cols: int = 32, seed: int = 0):
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian

    rng = np.random.default_rng(seed)
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    ds.file_meta.MediaStorageSOPInstanceUID = f"1.2.826.0.1.3680043.8.498.{uid_suffix}"
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    ds.SOPInstanceUID = f"1.2.826.0.1.3680043.8.498.{uid_suffix}"
    ds.StudyInstanceUID = "1.2.826.0.1.3680043.8.498.1"
    ds.SeriesInstanceUID = "1.2.826.0.1.3680043.8.498.2"
    ds.Modality = modality
    ds.BodyPartExamined = "CHEST"
    ds.StudyDescription = "CT THORAX"
    ds.PatientAge = "045Y"
    ds.PatientSex = "F"
    ds.PixelSpacing = [0.7, 0.8]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.SliceThickness = "2.5"
    for key, value in SECRETS.items():
        setattr(ds, key, value)
    ds.Rows, ds.Columns = rows, cols
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
    ds.WindowCenter, ds.WindowWidth = 40, 400
    arr = (rng.normal(1024 + 40, 150, (rows, cols))).clip(0, 4095).astype(np.uint16)
    ds.PixelData = arr.tobytes()
    return ds


def write_dicom(path, uid_suffix: str, **kw) -> str:
    ds = make_dataset(uid_suffix, **kw)
    ds.save_as(str(path), enforce_file_format=True)
    return str(path)


def deep_sequence_file(path, depth: int = 400) -> str:
    """A file whose undefined-length sequences nest ``depth`` levels (RecursionError in pydicom)."""
    import struct

    head = b"\x00" * 128 + b"DICM"
    meta_elems = b""
    ts = b"1.2.840.10008.1.2.1\x00"
    meta_elems += b"\x02\x00\x10\x00UI" + struct.pack("<H", len(ts)) + ts
    meta = b"\x02\x00\x00\x00UL\x04\x00" + struct.pack("<I", len(meta_elems)) + meta_elems
    body = b""
    opening = b"\x08\x00\x15\x11SQ\x00\x00\xff\xff\xff\xff" + b"\xfe\xff\x00\xe0\xff\xff\xff\xff"
    closing = b"\xfe\xff\x0d\xe0\x00\x00\x00\x00" + b"\xfe\xff\xdd\xe0\x00\x00\x00\x00"
    body = opening * depth + closing * depth
    with open(path, "wb") as f:
        f.write(head + meta + body)
    return str(path)


def write_lossy(path, uid_suffix: str, **kw) -> str:
    """A copy of ``make_dataset(uid_suffix, **kw)`` in lossy JPEG 2000."""
    from pydicom.uid import JPEG2000

    ds = make_dataset(uid_suffix, **kw)
    ds.compress(JPEG2000, j2k_cr=[20], generate_instance_uid=False)
    ds.save_as(str(path), enforce_file_format=True)
    return str(path)


def write_truncated(path, uid_suffix: str, **kw) -> str:
    """A copy of ``make_dataset(uid_suffix, **kw)`` whose pixel data is cut short (a broken transfer)."""
    from pathlib import Path

    write_dicom(path, uid_suffix, **kw)
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[: len(data) - 600])
    return str(path)
