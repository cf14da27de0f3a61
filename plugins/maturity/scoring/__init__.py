"""Guide clause 9: the exact formulas, and how figures are shown."""

from maturity.scoring.display import display, exact
from maturity.scoring.formulas import AssessmentResult, LevelResult, level_result, score_assessment

__all__ = ["AssessmentResult", "LevelResult", "display", "exact", "level_result", "score_assessment"]
