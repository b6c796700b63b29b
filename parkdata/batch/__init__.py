"""Batch: jobs and cache keys, warm kernels and their supervision, executors, HTML export, the run over all parks. May import reporting and below."""
