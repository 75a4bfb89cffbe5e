"""De-identification of the header before anything is written (DICOM PS3.15 basic profile, simplified).

Rules, applied to every value that leaves a worker:

* ``PatientID`` and ``AccessionNumber`` appear only as salted hashes (``patient_key``, ``accession_key``).
* Every keyword in :data:`DROP_KEYWORDS` is dropped (names, IDs, birth data, addresses, telephone
  numbers, institution and physician / operator names, device serials, free-text comments ...).
* Whole value representations are dropped from ``other_tags``: PN (person names), DA / DT / TM (dates
  and times: quasi-identifiers), SQ (sequences may nest identifiers), and binary VRs.
* Private tags are dropped.
* Kept on purpose, because the run-root contract needs them: the Study / Series / SOP Instance UIDs
  (pseudonymous keys), patient_age and patient_sex, and the descriptions (study, series, protocol,
  requested procedure). Free text may still contain names typed by staff: the descriptions are
  kept because labelling needs them, the comment fields are dropped.
"""

from __future__ import annotations

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


def is_dropped(keyword: str, vr: str) -> bool:
    """True when an element must never leave the worker (by keyword or by value representation)."""
    return keyword in DROP_KEYWORDS or vr in DROP_VRS
