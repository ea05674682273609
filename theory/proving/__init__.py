"""The prover's parts, one job per module, each saying what it holds; ``theory/prove.py`` is the entry point."""
