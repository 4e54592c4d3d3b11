"""The notices the site's modes add to every page's banner (training, maintenance)."""

from __future__ import annotations

from sqlmodel import Session

from cers_app.ops import maintenance, training


def site_mode_notices(session: Session) -> list[dict[str, str]]:
    """Banner notices (id, message, level) for training and maintenance mode, when on."""
    notices = []
    if training.active():
        notices.append({"id": "training", "message": training.TRAINING_BANNER, "level": "warning"})
    state = maintenance.current(session)
    if state.active:
        notices.append({"id": "maintenance", "message": state.banner, "level": "warning"})
    return notices
