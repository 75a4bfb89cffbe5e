"""End-to-end orchestration: run the stages in order, skipping those whose outputs are current."""
