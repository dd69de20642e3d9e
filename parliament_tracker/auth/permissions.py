"""Route guards. Every view declares the permission it needs; tests enumerate them."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, current_app
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])

#: endpoint function attribute read by the route test
PERMISSION_ATTR = "required_permission"


def permission_required(permission: str) -> Callable[[F], F]:
    """Web views: anonymous users go to the login page, others get 403 without the right."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if not current_user.can(permission):
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, PERMISSION_ATTR, permission)
        return wrapped  # type: ignore[return-value]

    return decorator


def public(view: F) -> F:
    """Marks a view as open to anonymous users (login page, health check)."""
    setattr(view, PERMISSION_ATTR, None)
    return view
