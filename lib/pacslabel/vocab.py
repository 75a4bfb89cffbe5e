"""Shared vocabularies: the modalities and the normalised anatomical regions every stage speaks."""


def code_value(value) -> str:
    """A coded value (modality, region) as every stage compares it: stripped, upper case; "" when
    missing (None or NaN)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip().upper()


MODALITIES = ("CT", "MR", "CR", "DX", "MG", "XA", "RF", "NM", "PT", "US")
"""The modalities of synthetic archives; ingest exports every modality with image pixels."""

REGIONS = (
    "HEAD",
    "NECK",
    "CSPINE",
    "TSPINE",
    "LSPINE",
    "CHEST",
    "ABDOMEN",
    "PELVIS",
    "SHOULDER",
    "ELBOW",
    "HAND",
    "HIP",
    "KNEE",
    "FOOT",
    "HEART",
    "BREAST",
    "URINARYTRACT",
    "GITRACT",
    "SKULL",
    "SINUS",
    "WHOLEBODY",
)
"""Normalised anatomical regions (HAND covers hand and wrist, FOOT covers ankle and foot)."""
