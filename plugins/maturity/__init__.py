"""maturity — assessment-as-code for T/ZXGJXH 002—2023.

The public API of the core. Nothing here imports MkDocs: the MkDocs plugin
(:mod:`maturity.site`) and the CLI (:mod:`maturity.cli`) are thin adapters.
"""

from maturity.diagnostics import Diagnostic, Severity
from maturity.data.model import Model, load_model, default_model_path
from maturity.data.assessment import Assessment
from maturity.repository import Repository, load_repository
from maturity.scoring import AssessmentResult, score_assessment

__all__ = [
    "Assessment",
    "AssessmentResult",
    "Diagnostic",
    "Model",
    "Repository",
    "Severity",
    "default_model_path",
    "load_model",
    "load_repository",
    "score_assessment",
]
