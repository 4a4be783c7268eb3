"""Realistic synthetic data for training and benchmarks (``transit-centre demo``)."""
