"""Personal ICS feeds: created on the account page, parse as iCalendar, stable UIDs, revocable."""

import datetime as dt
import re

import icalendar
import time_machine

from parliament_tracker.auth.models import User
from parliament_tracker.deadlines.events import save_event
from parliament_tracker.deadlines.models import CalendarFeed, Event
from tests.functional.deadline_helpers import find_case

MONDAY_22_NOV = dt.datetime(2021, 11, 22, 9, 0, tzinfo=dt.UTC)


def _events(body):
    cal = icalendar.Calendar.from_ical(body)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_feed_lifecycle(login, seed_case, db, client):
    with time_machine.travel(MONDAY_22_NOV, tick=False):
        browser = login("drafter")
        page = browser.post("/account/calendar-feeds", {"scope": "mine"}, token_from="/account")
        assert page.status_code == 200
        url = re.search(r'<code class="token">(http://tracker\.test/ics/[^<]+\.ics)</code>', page.text).group(1)
        path = url.removeprefix("http://tracker.test")
        feed = db.session.scalar(db.select(CalendarFeed))
        assert path.split("/")[-1].removesuffix(".ics") not in (feed.token_hash, feed.prefix)  # stored hashed

        first = client.get(path)
        assert first.status_code == 200 and first.mimetype == "text/calendar"
        events = _events(first.data)
        case = find_case("2021Z19601")
        # The binding date (before the budget debate) under the case's one binding-entry UID.
        uid = f"case-{case.id}-external@parliament-tracker"
        assert uid in events
        assert events[uid]["DTSTART"].dt == dt.date(2021, 11, 23)
        assert str(events[uid]["URL"]) == "http://tracker.test/cases/2021Z19601"
        assert "2021Z19601" in str(events[uid]["SUMMARY"])
        # Only the drafter's cases ("mine").
        assert all(str(e["URL"]).startswith("http://tracker.test/cases/") for e in events.values())

        budget = db.session.scalar(db.select(Event).where(Event.name == "Begrotingsbehandeling JenV 2022"))
        save_event(budget, {"starts_on": dt.date(2021, 11, 30), "ends_on": dt.date(2021, 12, 1)})
        db.session.commit()
        second = _events(client.get(path).data)
        # The 3 weeks (26 November) now come first: the same UIDs, moved dates.
        assert second[uid]["DTSTART"].dt == dt.date(2021, 11, 26) and len(second) == len(events)
        signature = f"case-{case.id}-internal_signature@parliament-tracker"
        assert signature in events and signature in second
        assert events[signature]["DTSTART"].dt != second[signature]["DTSTART"].dt

        account = browser.get("/account")
        assert "calendar-feeds" in account.text and feed.prefix in account.text
        revoked = browser.post(f"/account/calendar-feeds/{feed.id}/revoke", token_from="/account")
        assert revoked.status_code == 302
        assert client.get(path).status_code == 404
    assert client.get("/ics/not-a-token.ics").status_code == 404


def test_directorate_scope_and_other_users_feeds(app, login, seed_case, db, users):
    from parliament_tracker.deadlines.feeds import build_feed, create_feed
    from parliament_tracker.organisation.models import Directorate

    dgmi = db.session.scalar(db.select(Directorate).where(Directorate.code == "DGMI"))
    director = users["director"]
    director.directorate = dgmi
    feed, _token = create_feed(director, "directorate")
    with app.test_request_context():
        body = build_feed(feed, today=dt.date(2021, 11, 22))
    uids = _events(body)
    assert f"case-{find_case('2021Z19241').id}-external@parliament-tracker" in uids
    assert not any("internal_" in uid for uid in uids)  # binding dates only outside "mine"
    db.session.commit()
    # Someone else cannot revoke it.
    assert login("drafter").post(f"/account/calendar-feeds/{feed.id}/revoke", token_from="/account").status_code == 404


def test_a_feed_needs_a_known_scope_and_an_enabled_owner(login, seed_case, db, client, users):
    from parliament_tracker.auth.models import User

    browser = login("drafter")
    refused = browser.post("/account/calendar-feeds", {"scope": "everyone"}, token_from="/account")
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/account#calendar-feeds")
    assert db.session.scalar(db.select(db.func.count()).select_from(CalendarFeed)) == 0

    page = browser.post("/account/calendar-feeds", {"scope": "all"}, token_from="/account")
    path = re.search(r'<code class="token">http://tracker\.test(/ics/[^<]+\.ics)</code>', page.text).group(1)
    assert db.session.scalar(db.select(CalendarFeed.last_used_at)) is None
    assert client.get(path).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(db.select(CalendarFeed.last_used_at)) is not None
    db.session.get(User, users["drafter"].id).is_enabled = False
    db.session.commit()
    assert client.get(path).status_code == 404  # a disabled account's feeds stop working


def test_postponement_moves_the_binding_entry_under_the_same_uid(app, seed_case, db, users):
    """Calendars that imported the feed update the entry instead of keeping a stale one."""
    from parliament_tracker.deadlines.feeds import build_feed, create_feed
    from parliament_tracker.deadlines.overrides import record_postponement

    case = find_case("2021Z19601")
    budget = db.session.scalar(db.select(Event).where(Event.name == "Begrotingsbehandeling JenV 2022"))
    save_event(budget, {"starts_on": dt.date(2022, 3, 1), "ends_on": dt.date(2022, 3, 2)})  # the term binds, not the debate
    feed, _token = create_feed(users["admin"], "all")
    db.session.commit()
    uid = f"case-{case.id}-external@parliament-tracker"
    with time_machine.travel(MONDAY_22_NOV, tick=False), app.test_request_context():
        before = _events(build_feed(feed, today=dt.date(2021, 11, 22)))
        assert before[uid]["DTSTART"].dt == dt.date(2021, 11, 26)
        record_postponement(find_case("2021Z19601"), dt.date(2021, 11, 22), "Afstemming nodig")
        db.session.commit()
        after = _events(build_feed(feed, today=dt.date(2021, 11, 22)))
    assert after[uid]["DTSTART"].dt == dt.date(2021, 12, 17)  # six weeks
    assert set(after) == set(before) and not any("postponed_external" in u for u in after)
    summary = str(after[uid]["SUMMARY"])
    assert summary.startswith("2021Z19601: ") and len(summary) <= 120 and summary.endswith("…")


def test_feed_answers_a_poll_with_304_until_something_changes(login, seed_case, db, client):
    """Calendar clients poll: the same version gets a 304 without the feed being built; an
    audited change (here a moved event) or a new day gives a new version."""
    with time_machine.travel(MONDAY_22_NOV, tick=False):
        browser = login("drafter")
        page = browser.post("/account/calendar-feeds", {"scope": "mine"}, token_from="/account")
        path = re.search(r'<code class="token">http://tracker\.test(/ics/[^<]+\.ics)</code>', page.text).group(1)
        first = client.get(path)
        assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
        assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
        assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200

        budget = db.session.scalar(db.select(Event).where(Event.name == "Begrotingsbehandeling JenV 2022"))
        save_event(budget, {"starts_on": dt.date(2021, 11, 30), "ends_on": dt.date(2021, 12, 1)})
        db.session.commit()
        changed = client.get(path, headers={"If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["ETag"] != etag
    with time_machine.travel(MONDAY_22_NOV + dt.timedelta(days=1), tick=False):
        later = client.get(path, headers={"If-None-Match": changed.headers["ETag"]})
        assert later.status_code == 200  # the window moved with the day


def test_feed_speaks_its_owners_language(login, seed_case, db, client, users):
    """A calendar program has no session or cookie: the feed follows its owner's setting, and a
    change of that setting is a new version of the feed (not a 304 of the other language)."""
    with time_machine.travel(MONDAY_22_NOV, tick=False):
        browser = login("drafter")
        page = browser.post("/account/calendar-feeds", {"scope": "mine"}, token_from="/account")
        path = re.search(r'<code class="token">http://tracker\.test(/ics/[^<]+\.ics)</code>', page.text).group(1)
        dutch = client.get(path)
        text = dutch.data.decode()
        assert "Mijn termijnen" in text and "Status: " in text and "Tuesday" not in text
        db.session.get(User, users["drafter"].id).locale = "en"  # the account's language setting
        db.session.commit()
        english = client.get(path, headers={"If-None-Match": dutch.headers["ETag"]})
        assert english.status_code == 200 and english.headers["ETag"] != dutch.headers["ETag"]
        assert "My deadlines" in english.data.decode()
        descriptions = " ".join(str(e["DESCRIPTION"]) for e in _events(english.data).values())
        assert "Tuesday 23 November 2021" in descriptions
        assert "dinsdag" not in descriptions and "ontvangen" not in descriptions
