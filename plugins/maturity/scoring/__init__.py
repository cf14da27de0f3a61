"""Guide clause 9: the exact formulas, and how figures are shown."""

from maturity.scoring.formulas import AssessmentResult, LevelResult, display, level_result, score_assessment

__all__ = ["AssessmentResult", "LevelResult", "display", "level_result", "score_assessment"]
