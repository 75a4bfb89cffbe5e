"""How each institution writes its own codes (see :mod:`pacslabel.synth.codes`)."""

from __future__ import annotations

SITE_PROTOCOL_STYLES: dict[str, float] = {"csv": 0.2, "opaque": 0.3, "structured": 0.3, "numbered": 0.2}
"""How a site names its scanner protocols in ProtocolName (one style per site): comma-separated fields
("0,OPA,GE,HSP"), an opaque code ("QX7R"), abbreviations joined ("HD_SFT_NC"), a numbered list ("MR114")."""

SITE_REQUESTED_STYLES: dict[str, float] = {
    "{num}": 0.3,
    "{mod}{num}": 0.2,
    "{mod}-{num}": 0.1,
    "{num} {abbr}": 0.2,
    "{abbr}": 0.2,
}
"""How a site's order entry writes RequestedProcedureDescription: a numeric procedure code, with the
modality code, with the procedure abbreviation, or the abbreviation alone."""

SITE_CURATED_ABBREVIATION_RATE = 0.5
"""Probability that a site writes a region with a common clinical abbreviation ("CHST", "LS") rather
than one of its own (vowels dropped, truncated, initials) of an English or local word."""

SITE_LOCAL_WORD_RATE = 0.4
"""Probability that a site's own region abbreviation comes from its language rather than English."""

SITE_FUSED_RATE = 0.5
"""Probability that a site writes fused modality-region abbreviations ("CXR", "CTH") where they exist."""

SITE_SERIES_REGION_RATE = 0.4
"""Probability that a site's scanner series descriptions name the region ("KN PD SAG", not "PD SAG")."""

SITE_CT_THICKNESS_RATE = 0.5
"""Probability that a site's CT series descriptions end with the slice thickness ("SFT AX 5.0")."""
