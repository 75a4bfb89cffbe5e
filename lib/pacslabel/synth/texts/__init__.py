"""Free text as a hospital writes it: descriptions and reports in Croatian, Latin, English and German,
with abbreviations and typos; synthetic (fake) patient and staff identities.
"""
