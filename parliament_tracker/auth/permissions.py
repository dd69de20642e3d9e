"""Route guards. Every view declares the permission it needs (``edge`` enforces it); tests
enumerate them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

# the view attribute the edge checks and the route test reads (the edge defines it)
from parliament_tracker.edge import PERMISSION_ATTR

__all__ = ["PERMISSION_ATTR", "permission_required", "public"]

F = TypeVar("F", bound=Callable[..., Any])


def permission_required(permission: str) -> Callable[[F], F]:
    """Declares a page's permission. The edge checks it before the view runs: anonymous users
    go to the login page, others get 403 without the right."""

    def decorator(view: F) -> F:
        setattr(view, PERMISSION_ATTR, permission)
        return view

    return decorator


def public(view: F) -> F:
    """Marks a view as open to anonymous users (login page, health check)."""
    setattr(view, PERMISSION_ATTR, None)
    return view
