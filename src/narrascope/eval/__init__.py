"""Evaluation stage: the shared-task data formats and the official metrics.

Owns reading SemEval 2025 Task 10 training folders and gold/prediction files, and
computing the official scores (samples-F1 for narratives). It reads files and
compares labels; it never runs a model, so a score can be recomputed from files alone.
"""
