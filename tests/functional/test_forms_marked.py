"""Every form marks its fields (issue 17, GOV.UK / NL Design System): a field is required
(``required`` or ``aria-required``) or says "(optioneel)" in its label, and a field with a
length limit shows a character count tied to it; walked over every main page as each role
with the demo data, the hand-written forms included."""

from __future__ import annotations

from tests.functional.page_walk import walk

#: not fields a user is asked to fill in (a search box inside an editor narrows, like a filter)
NOT_FIELDS = {"hidden", "submit", "button", "checkbox", "radio", "reset", "image", "search"}


def _fields(page):
    for control in page.controls:
        if control.form_method != "post":
            continue  # searches and filters: every field is a narrowing, none is asked for
        if control.tag == "input" and control.attrs.get("type", "text") in NOT_FIELDS:
            continue
        if control.attrs.get("hidden") is not None or control.attrs.get("name") in (None, "csrf_token"):
            continue
        yield control


def test_every_field_is_marked_required_or_optional(client, login, seed):
    unmarked, uncounted = [], []
    seen = 0
    for page in walk(client, login, seed, "nl"):
        for control in _fields(page):
            seen += 1
            attrs = control.attrs
            required = "required" in attrs or attrs.get("aria-required") == "true"
            label = page.labels.get(attrs.get("id", ""), "")
            if not required and "(optioneel)" not in label:
                unmarked.append(f"{page.role} {page.path}: {control.tag} name={attrs.get('name')} label={label!r}")
            if "maxlength" in attrs or "data-maxlength" in attrs:
                described = attrs.get("aria-describedby", "").split()
                if not any(i.endswith("-count") and f'id="{i}"' in page.html for i in described) or "maxlength" in attrs:
                    uncounted.append(f"{page.role} {page.path}: {control.tag} name={attrs.get('name')}")
    assert seen > 100
    assert not sorted(set(unmarked)), "fields marked neither required nor optional:\n" + "\n".join(sorted(set(unmarked)))
    assert not sorted(set(uncounted)), "fields with a limit and no character count:\n" + "\n".join(sorted(set(uncounted)))
