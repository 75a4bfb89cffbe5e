"""Job entry points, one verb each: ``python -m jobs.<verb> [--config FILE] key=value ...``."""
