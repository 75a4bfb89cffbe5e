"""De-identification of the header before anything is written (DICOM PS3.15 basic profile, simplified).

Rules, applied to every value that leaves a worker:

* ``PatientID`` and ``AccessionNumber`` appear only as salted hashes (``patient_key``, ``accession_key``).
* Every keyword in :data:`DROP_KEYWORDS` is dropped (names, IDs, birth data, addresses, telephone
  numbers, institution and physician / operator names, device serials, free-text comments ...).
* Whole value representations are dropped from ``other_tags``: PN (person names), DA / DT / TM (dates
  and times: quasi-identifiers), SQ (sequences may nest identifiers), and binary VRs.
* Private tags are dropped.
* Free text whose gist the labels need is replaced by a code (the basic profile's "replace with a
  dummy value", keeping what the value says and nothing typed): ``ContrastBolusAgent`` becomes
  ``GIVEN`` or ``NONE`` (:data:`CODED_KEYWORDS`), since whether an agent was given is what tells a
  contrast series from a plain one, while the agent's name may hold anything staff typed.
* Kept on purpose, because the run-root contract needs them: the Study / Series / SOP Instance UIDs
  (pseudonymous keys), patient_age and patient_sex, and the descriptions (study, series, protocol,
  requested procedure). Free text may still contain names typed by staff: the descriptions are
  kept because labelling needs them, the comment fields are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable

DROP_KEYWORDS: frozenset[str] = frozenset(
    {
        # patient
        "PatientName", "PatientID", "IssuerOfPatientID", "IssuerOfPatientIDQualifiersSequence",
        "OtherPatientIDs", "OtherPatientIDsSequence", "OtherPatientNames", "PatientBirthName",
        "PatientBirthDate", "PatientBirthTime", "PatientMotherBirthName", "PatientAddress",
        "PatientTelephoneNumbers", "PatientTelecomInformation", "PatientInsurancePlanCodeSequence",
        "PatientPrimaryLanguageCodeSequence", "PatientReligiousPreference", "PatientComments",
        "PatientState", "PatientInstitutionResidence", "MilitaryRank", "BranchOfService",
        "MedicalRecordLocator", "EthnicGroup", "Occupation", "AdditionalPatientHistory",
        "CountryOfResidence", "RegionOfResidence", "CurrentPatientLocation", "ResponsiblePerson",
        "ResponsiblePersonRole", "ResponsibleOrganization", "PatientSize", "PatientWeight",
        "PregnancyStatus", "LastMenstrualDate", "SmokingStatus", "MedicalAlerts", "Allergies",
        "SpecialNeeds", "PatientSexNeutered", "ReferencedPatientSequence", "PatientIdentityRemoved",
        "DeidentificationMethod", "ConfidentialityConstraintOnPatientDataDescription",
        # visit / order
        "AccessionNumber", "IssuerOfAccessionNumberSequence", "StudyID", "AdmissionID",
        "IssuerOfAdmissionIDSequence", "ServiceEpisodeID", "ServiceEpisodeDescription",
        "RequestAttributesSequence", "RequestedProcedureID", "ScheduledProcedureStepID",
        "PerformedProcedureStepID", "PlacerOrderNumberImagingServiceRequest",
        "FillerOrderNumberImagingServiceRequest", "OrderEntererLocation", "OrderCallbackPhoneNumber",
        "ReasonForStudy", "RequestingService", "ReasonForTheRequestedProcedure",
        # people and places
        "InstitutionName", "InstitutionAddress", "InstitutionalDepartmentName", "InstitutionCodeSequence",
        "InstitutionalDepartmentTypeCodeSequence", "ReferringPhysicianName", "ReferringPhysicianAddress",
        "ReferringPhysicianTelephoneNumbers", "ReferringPhysicianIdentificationSequence",
        "PhysiciansOfRecord", "PhysiciansOfRecordIdentificationSequence", "PerformingPhysicianName",
        "PerformingPhysicianIdentificationSequence", "NameOfPhysiciansReadingStudy",
        "PhysiciansReadingStudyIdentificationSequence", "OperatorsName", "OperatorIdentificationSequence",
        "RequestingPhysician", "ScheduledPerformingPhysicianName", "ContentCreatorName",
        "VerifyingObserverName", "VerifyingOrganization", "PersonName", "PersonAddress",
        "PersonTelephoneNumbers", "StationName", "ScheduledStationName", "PerformedStationName",
        "PerformedLocation", "ScheduledProcedureStepLocation", "ReviewerName", "EvaluatorName",
        "PerformedStationAETitle", "ScheduledStationAETitle", "StructureSetLabel", "StructureSetName",
        "RTPlanLabel", "RTPlanName",
        "SecondaryReviewerName", "ClinicalTrialSponsorName", "ClinicalTrialSubjectID",
        "ClinicalTrialSubjectReadingID", "ClinicalTrialSiteName", "ClinicalTrialCoordinatingCenterName",
        # devices and media
        "DeviceSerialNumber", "DeviceUID", "PlateID", "CassetteID", "DetectorID", "GantryID",
        "StorageMediaFileSetID", "StorageMediaFileSetUID", "ModifyingDeviceID", "SourceSerialNumber",
        "GeneratorID", "XRayTubeID", "DeviceID",
        # specimen containers: slide labels often carry the accession or case number
        "ContainerIdentifier",
        # free text
        "ImageComments", "StudyComments", "SeriesComments", "RequestedProcedureComments",
        "ImagingServiceRequestComments", "InterpretationText", "InterpretationAuthor",
        "InterpretationDiagnosisDescription", "ResultsComments", "PerformedProcedureStepDescription",
        "CommentsOnThePerformedProcedureStep", "AcquisitionComments", "TextValue", "TextString",
        "DerivationDescription", "FrameComments", "ContrastBolusAgent", "DigitalSignaturesSequence",
        "OriginalAttributesSequence", "ContributingEquipmentSequence", "CurveData", "OverlayData",
        "IconImageSequence",
    }
)  # fmt: skip

DROP_VRS: frozenset[str] = frozenset(
    {"PN", "DA", "DT", "TM", "SQ", "OB", "OW", "OF", "OD", "OL", "OV", "UN", "UR"}
)


_NEGATION = (
    "none|no|nil|n/?a|0+|without|non|nativ|native|natif|nativo|ohne|kein|keine|sans|aucun|sin|ninguno"
    "|senza|nessuno|geen|zonder|ingen|nej|ei|brak|bez"
)
_AGENT = "contrast|contraste|contrasto|kontrast|kontrastmittel|km|mdc|agent|medium|given"
NEGATIVE_AGENT = re.compile(rf"^({_NEGATION})( ({_NEGATION}))*( ({_AGENT}))*$")
"""A ContrastBolusAgent value saying that no agent was given ("NONE", "no contrast", "ohne KM", "0")."""


def contrast_agent_code(value: object) -> str | None:
    """``NONE`` when the value says no agent was given (or is only punctuation, "-"), ``GIVEN`` for any
    other text, None when blank."""
    raw = str(value).strip()
    if not raw:
        return None
    text = " ".join(re.sub(r"[^\w/+]+", " ", raw).lower().split())
    return "NONE" if not text or NEGATIVE_AGENT.match(text) else "GIVEN"


CODED_KEYWORDS: dict[str, Callable[[object], str | None]] = {"ContrastBolusAgent": contrast_agent_code}
"""Dropped free-text keywords that ``other_tags`` keeps as a code instead of their text."""


def is_dropped(keyword: str, vr: str) -> bool:
    """True when an element must never leave the worker (by keyword or by value representation)."""
    return keyword in DROP_KEYWORDS or vr in DROP_VRS
