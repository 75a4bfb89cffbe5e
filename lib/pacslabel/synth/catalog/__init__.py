"""What occurs in practice: modality mix, region mix per modality, sizes, series plans, vendors.

All rates that tests check are module constants of this package.
"""
