"""Mijn werk: the page each user lands on after login.

Routes:
    GET  /me/worklist     my worklist     case.view
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from parliament_tracker.auth.permissions import permission_required
from parliament_tracker.db import today_local
from parliament_tracker.worklist import queries

bp = Blueprint("worklist", __name__)


@bp.get("/me/worklist")
@permission_required("case.view")
def index():
    today = today_local()
    sections = queries.for_user(current_user._get_current_object(), today)
    return render_template("worklist/index.html", sections=sections, today=today)
