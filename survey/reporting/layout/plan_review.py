"""The school report's section "what we set out to do, what changed": the school's action plan beside this
round's results (`survey.plans.review.PlanReview`), as formatted strings in the report's language."""
from __future__ import annotations

from survey.plans.review import ActionReview, PlanReview
from survey.reporting.format import format_index, format_number, format_signed, format_signed_interval

FLAGS = {"up": "▲", "down": "▼"}  # as the report's table of changes marks them (layout.school)


def _action(action: ActionReview, w: dict[str, str]) -> str:
    return f"{action.description} ({w.get('plan_status_' + action.status, action.status)})"


def plan_review_context(review: PlanReview | None, language: str, w: dict[str, str]) -> dict | None:
    """What reports/partials/plan_review.html prints; None without a review."""
    if review is None:
        return None

    def reached(value: bool | None) -> str:
        return "–" if value is None else w["plan_yes"] if value else w["plan_no"]

    rows = []
    for focus in review.focuses:
        flag = focus.flag if focus.flag in FLAGS else ""
        rows.append({
            "label": focus.label, "baseline": format_index(focus.baseline, language),
            "goal": format_index(focus.goal, language), "index": format_index(focus.index, language),
            "change": format_signed(focus.change, language),
            "interval": format_signed_interval(focus.change_low, focus.change_high, language),
            "n": f"{focus.previous_n} → {focus.n}",
            "flag": flag, "flag_text": (f"{FLAGS[flag]} {w['flag_' + flag]}" if flag
                                        else "–" if focus.comparable else w["plan_not_comparable"]),
            "reached": reached(focus.reached),
            "actions": [_action(action, w) for action in focus.actions],
        })
    return {
        "intro": w["plan_review_intro"].format(title=review.title or w["plan_untitled"],
                                               status=w.get("plan_status_" + review.status, review.status),
                                               base=review.base_round, round=review.round),
        "rows": rows, "other_actions": [_action(action, w) for action in review.other_actions],
        "note": w["plan_review_note"].format(minimal=format_number(review.minimal_difference, language)),
    }
