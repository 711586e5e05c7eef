"""Conversion: options, chunk planning, the converter, output files, post-processing, the quality report."""
