"""Shared logic of the digital-service-export-base publication: load, score, chart, publish."""

from .load import DataIssue, Dataset, DataValidationError, load_dataset

__all__ = ["DataIssue", "DataValidationError", "Dataset", "load_dataset"]
