"""DICOM header of a synthetic instance: identifiers, study/series description, acquisition tags.

The messiness (missing BodyPartExamined, variant spellings, mislabelled descriptions, missing or
multi-valued windows, missing contrast agents and view positions) is drawn here with the rates named in
:mod:`pacslabel.synth.catalog`. The acquisition tags follow the series' appearance the way a scanner
writes them: MR timing and sequence type, CT kernel names per vendor, contrast agent, image orientation,
radiograph view position, angiography angles and subtraction, NM image type, ultrasound regions,
mammography view and laterality with compression, PET units, corrections and radiopharmaceutical.
"""
