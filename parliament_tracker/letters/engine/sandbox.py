"""The Jinja sandbox letter templates are filled in, with a budget no template can exceed.

Templates are staff-uploaded code. The sandbox is immutable with autoescape, offers a short
whitelist of filters and tests, and caps what a fill may spend: ``range()`` per call and per
fill, text and sequences built with ``*``, ``+`` or ``~``, ``**``, the output size and the wall
time. A fill runs inside ``fill_budget()``; outside it each check gets a fresh budget.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from jinja2 import StrictUndefined, Template, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import LRUCache

from parliament_tracker.letters.engine.context import join_and
from parliament_tracker.letters.engine.dates import nl_date


class TemplateLimitExceeded(Exception):
    """A template asked for more work than a letter needs (a huge range, repeat or output).

    Not a Jinja ``TemplateError``, so Jinja and docxtpl let it pass through unchanged.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _filter_default(value: Any, default: Any = "") -> Any:
    return default if value is None or value == "" else value


def _filter_join(value: Iterable[Any], separator: str = ", ") -> str:
    return separator.join(str(v) for v in value)


# Only these filters exist in templates; the Jinja defaults (e.g. `attr`, `map`
# with attribute names, `format`) widen what a template can reach.
ALLOWED_FILTERS: dict[str, Any] = {
    "nl_date": nl_date,
    "upper": lambda s: str(s).upper(),
    "lower": lambda s: str(s).lower(),
    "capitalize": lambda s: str(s)[:1].upper() + str(s)[1:],
    "trim": lambda s: str(s).strip(),
    "default": _filter_default,
    "join": _filter_join,
    "join_and": join_and,
    "length": len,
    "count": len,
    "string": str,
}
ALLOWED_TESTS = {"defined", "undefined", "none", "number", "string", "odd", "even", "sameas", "in", "eq", "ne"}
FORBIDDEN_TAGS = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)


# The sandbox's own budget. A letter needs a few ranges of tens of items and some kilobytes of
# text per paragraph; these caps are orders of magnitude above that and far below what blocks a
# worker (``range(10**9)``, ``'A' * 300000000`` or nested loops ran for minutes and took GBs).
MAX_RANGE_ITEMS = 10_000  # one range()
MAX_RANGE_TOTAL = 100_000  # all range() items of one fill, so nested loops are bounded too
MAX_SEQUENCE_ITEMS = 1_000_000  # a string or list built by *, + or ~
MAX_OUTPUT_CHARS = 20_000_000  # all filled XML of one fill
MAX_FILL_SECONDS = 10
MAX_POWER_BITS = 4096  # 2 ** 4096 is plenty; 10 ** 10 ** 9 would run for hours


class _Budget:
    """What one fill may still spend; checked by the sandbox's hooks."""

    def __init__(self) -> None:
        self.range_items = 0
        self.output_chars = 0
        self.deadline = time.monotonic() + MAX_FILL_SECONDS

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimitExceeded(f"The template took more than {MAX_FILL_SECONDS} seconds to fill.")


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("fill_budget", default=None)


def _budget() -> _Budget:
    budget = _BUDGET.get()
    # Outside fill_template (a snippet rendered directly) each check gets a fresh budget.
    return budget if budget is not None else _Budget()


def _check_length(length: int) -> None:
    if length > MAX_SEQUENCE_ITEMS:
        raise TemplateLimitExceeded(
            f"The template repeats text or a list to {length} items; the maximum is {MAX_SEQUENCE_ITEMS}."
        )


def _limited_range(*args: int) -> range:
    budget = _budget()
    budget.tick()
    rng = range(*args)
    if len(rng) > MAX_RANGE_ITEMS:
        raise TemplateLimitExceeded(
            f"The template asks for a range of {len(rng)} items; the maximum is {MAX_RANGE_ITEMS}."
        )
    budget.range_items += len(rng)
    if budget.range_items > MAX_RANGE_TOTAL:
        raise TemplateLimitExceeded(f"The template's loops run over more than {MAX_RANGE_TOTAL} items in total.")
    return rng


def _sized(value: Any) -> int | None:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else None


class _LimitedCodeGenerator(CodeGenerator):
    """Routes ``~`` through the environment so a doubling ``{% set s = s ~ s %}`` is capped."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.limit_text(")
        super().visit_Concat(node, frame)
        self.write(")")


class _LimitedSandbox(ImmutableSandboxedEnvironment):
    # Intercepted operators are also never constant-folded at compile time, so a literal
    # 'A' * 300000000 is caught here rather than while parsing.
    intercepted_binops = frozenset({"*", "+", "**"})
    code_generator_class = _LimitedCodeGenerator

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _budget().tick()
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                size = _sized(seq)
                if size is not None and isinstance(times, int):
                    _check_length(size * max(times, 0))
        elif operator == "+":
            a, b = _sized(left), _sized(right)
            if a is not None and b is not None:
                _check_length(a + b)
        elif (
            operator == "**"
            and isinstance(left, int)
            and isinstance(right, int)
            and abs(left) > 1
            and right > 0
            and abs(left).bit_length() * right > MAX_POWER_BITS
        ):
            raise TemplateLimitExceeded("The template computes a number that is too large.")
        return super().call_binop(context, operator, left, right)

    def limit_text(self, value: Any) -> Any:
        _check_length(len(value))
        return value

    def concat(self, pieces: Iterable[str]) -> str:
        """Join a part's output, stopping once the fill's output or time budget is spent."""
        budget = _budget()
        out: list[str] = []
        for piece in pieces:
            budget.output_chars += len(piece)
            if budget.output_chars > MAX_OUTPUT_CHARS:
                raise TemplateLimitExceeded(f"The filled template is larger than {MAX_OUTPUT_CHARS} characters.")
            if len(out) % 1024 == 0:
                budget.tick()
            out.append(piece)
        return "".join(out)

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        """Compile ``source`` once per process: docxtpl asks for each part of a template on every
        fill, and compiling (lexing, parsing, generating Python, ``compile``) was a third of a fill.

        The source is the template's own text, not the letter (the letter is the context at render
        time), so a hit is the same code a fresh compile would give; the budget and the sandbox's
        checks run at render time. Keyed with the autoescape setting, which Jinja bakes into the code.
        """
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        key = (source, self.autoescape)
        template: Template | None = _COMPILED.get(key)
        if template is None:
            template = super().from_string(source)
            _COMPILED[key] = template
        return template


#: compiled template parts by (source, autoescape): the parts of a few template versions
_COMPILED = LRUCache(64)


def _make_env() -> ImmutableSandboxedEnvironment:
    env = _LimitedSandbox(autoescape=True, undefined=StrictUndefined)
    env.filters = dict(ALLOWED_FILTERS)
    env.tests = {name: env.tests[name] for name in ALLOWED_TESTS if name in env.tests}
    # `range` is capped per call and per fill; nothing else global is needed in a letter.
    env.globals = {"range": _limited_range}
    return env


# One environment for the process; it holds no per-render state (the budget lives in a context
# variable), and its compiled parts are kept (``from_string``).
ENV = _make_env()


@contextmanager
def fill_budget() -> Iterator[None]:
    """One fill's budget: every range, operator and output piece inside draws on it."""
    token = _BUDGET.set(_Budget())
    try:
        yield
    finally:
        _BUDGET.reset(token)
