"""Benchmark data: N realistic cases with questions, members, committees and links, bulk-inserted.

Not a test. Fills a fresh database (made with ``db.create_all()``) through SQLAlchemy Core
``executemany`` in batches, bypassing the services, but with ``search_text`` built exactly as
``parliament_tracker.cases.services._search_text`` does. Deterministic for a given seed.

    /tmp/venv/bin/python bench/generate.py --db sqlite --count 1000 [--path /tmp/x.sqlite]
    /tmp/venv/bin/python bench/generate.py --db postgres --count 100000

The benchmark (bench/bench_cases.py) imports ``build_database`` from here.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

#: the server's maintenance database, only to create and drop the benchmark database
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
#: several people benchmark on one server: ``BENCH_PG_DB=bench_cases_<you>``
PG_BENCH_DB = os.environ.get("BENCH_PG_DB", "bench_cases")
BATCH = 5000
YEARS = 5
#: the last day of the generated period; fixed so runs are comparable
END_DATE = dt.date(2025, 6, 30)

# --- vocabulary ---------------------------------------------------------------------------
DIRECTORATES = [
    ("DGMI", "Directoraat-Generaal Migratie"),
    ("DGSenB", "Directoraat-Generaal Straffen en Beschermen"),
    ("DGRR", "Directoraat-Generaal Rechtspleging en Rechtshandhaving"),
    ("DGPenV", "Directoraat-Generaal Politie en Veiligheidsregio's"),
    ("DWJZ", "Directie Wetgeving en Juridische Zaken"),
    ("NCTV", "Nationaal Coördinator Terrorismebestrijding en Veiligheid"),
    ("DGSVb", "Directoraat-Generaal Samenleving en Veiligheid"),
    ("DIO", "Directie Informatievoorziening en Ondersteuning"),
    ("DCOM", "Directie Communicatie"),
    ("FEZ", "Financieel-Economische Zaken"),
    ("DBOB", "Directie Bestuursondersteuning en Beleidsadvisering"),
    ("DJI", "Dienst Justitiële Inrichtingen (beleid)"),
]
SIGNATORIES = [
    ("De Staatssecretaris van Justitie en Veiligheid", "Staatssecretaris"),
    ("De Minister van Justitie en Veiligheid", "Minister"),
    ("De Minister voor Rechtsbescherming", "Minister RB"),
    ("De Minister van Asiel en Migratie", "Minister AenM"),
]
COMMITTEES = [
    ("vaste commissie voor Justitie en Veiligheid", "J&V"),
    ("vaste commissie voor Binnenlandse Zaken", "BiZa"),
    ("vaste commissie voor Asiel en Migratie", "AenM"),
    ("vaste commissie voor Financiën", "FIN"),
    ("vaste commissie voor Volksgezondheid, Welzijn en Sport", "VWS"),
    ("vaste commissie voor Sociale Zaken en Werkgelegenheid", "SZW"),
    ("vaste commissie voor Digitale Zaken", "DiZa"),
    ("vaste commissie voor Buitenlandse Zaken", "BuZa"),
    ("vaste commissie voor Defensie", "DEF"),
    ("vaste commissie voor Onderwijs, Cultuur en Wetenschap", "OCW"),
    ("vaste commissie voor Infrastructuur en Waterstaat", "IenW"),
    ("vaste commissie voor Economische Zaken", "EZK"),
    ("commissie voor de Rijksuitgaven", "CRU"),
    ("vaste commissie voor Europese Zaken", "EU"),
]
PARTIES = [
    ("D66", "Democraten 66"), ("ChristenUnie", "ChristenUnie"), ("VVD", "Volkspartij voor Vrijheid en Democratie"),
    ("PVV", "Partij voor de Vrijheid"), ("CDA", "Christen-Democratisch Appèl"), ("SP", "Socialistische Partij"),
    ("GroenLinks-PvdA", "GroenLinks-PvdA"), ("JA21", "JA21"), ("Volt", "Volt"), ("NSC", "Nieuw Sociaal Contract"),
    ("BBB", "BoerBurgerBeweging"), ("PvdD", "Partij voor de Dieren"), ("SGP", "Staatkundig Gereformeerde Partij"),
    ("DENK", "DENK"), ("FvD", "Forum voor Democratie"),
]
SURNAMES = [
    "Podt", "Ceder", "Van Nispen", "Ellian", "Michon-Derkzen", "Van der Werf", "Bikker", "Mutluer", "Wilders",
    "Van der Plas", "Koekkoek", "Kuik", "Ellemeet", "De Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer",
    "De Boer", "Mulder", "De Groot", "Bos", "Vos", "Peters", "Hendriks", "Van Leeuwen", "Dekker", "Brouwer",
    "De Wit", "Dijkstra", "Smits", "De Graaf", "Van der Meer", "Van der Linden", "Kok", "Jacobs", "De Haan",
    "Vermeulen", "Van den Berg", "Van Dijk", "Schouten", "Hoekstra", "Koster", "Prins", "Blom", "Huisman",
    "Kramer", "Van Dam", "Wouters",
]
#: policy topics; weights make a few (politie, asiel, ...) common and most rare-ish
TOPICS = [
    ("de capaciteit van de politie", 8), ("de wachttijden bij de IND", 7), ("de opvang van asielzoekers", 7),
    ("het tekort aan rechercheurs bij de politie", 5), ("de achterstanden bij de rechtspraak", 5),
    ("het gevangeniswezen", 5), ("de bestrijding van ondermijning", 4), ("cybercriminaliteit", 4),
    ("de beveiliging van advocaten en rechters", 3), ("de herziening van het Wetboek van Strafvordering", 3),
    ("het tekort aan forensisch artsen", 2), ("de gezinshereniging van nareizigers", 3),
    ("drugssmokkel in de havens", 3), ("het justitieel documentatiesysteem", 2), ("de reclassering", 2),
    ("vacatures bij de Dienst Justitiële Inrichtingen", 2), ("de terugkeer van uitgeprocedeerde asielzoekers", 3),
    ("de wachtlijsten voor tbs-klinieken", 2), ("slachtofferhulp", 2), ("de inzet van boa's", 2),
    ("het gebruik van algoritmes door de overheid", 2), ("femicide en huiselijk geweld", 2),
    ("de veiligheidsregio's en de brandweer", 2), ("de jeugdbescherming", 2), ("de kansspelautoriteit", 1),
    ("online gokken", 1), ("explosies bij woningen", 2), ("de rechtsbijstand en sociale advocatuur", 2),
    ("de naturalisatie van statushouders", 2), ("arbeidsmigratie", 2), ("mensenhandel", 2),
    ("de nationale politie en etnisch profileren", 2), ("de privacy van burgers", 1), ("de AVG", 1),
    ("de Raad voor de Kinderbescherming", 1), ("de doorlooptijden in het strafrecht", 2),
    ("de Koninklijke Marechaussee", 1), ("terrorismebestrijding", 1), ("de inbraakpreventie", 1),
    ("ambtsberichten over veilige landen", 1),
]
PREFIXES_WQ = ["Vragen over", "Vragen over het bericht over", "Vragen naar aanleiding van berichtgeving over",
               "Vragen over de uitvoering van het beleid rond"]
PREFIXES_OTHER = ["Verzoek om een brief over", "Verzoek om een reactie op", "Toezegging over",
                  "Motie over", "Verzoek om informatie over", "Stand van zaken"]
NEWS = ["NOS", "NRC", "de Volkskrant", "Trouw", "Het Parool", "RTL Nieuws", "het AD", "Nieuwsuur", "Follow the Money",
        "De Telegraaf", "Pointer", "Argos", "Investico", "Omroep Brabant", "RTV Noord"]
WORDS = ["onderzoek", "maatregelen", "budget", "wetsvoorstel", "evaluatie", "capaciteit", "personeel", "wachttijden",
         "uitvoering", "gemeenten", "toezicht", "inspectie", "rapport", "aanbevelingen", "cijfers", "kosten",
         "verantwoordelijkheid", "burgers", "slachtoffers", "daders", "handhaving", "termijn", "knelpunten",
         "achterstanden", "regelgeving", "beleid", "voortgang", "samenwerking", "ketenpartners", "signalen"]
QUESTION_TEMPLATES = [
    "Bent u bekend met het bericht in {news} over {topic}?",
    "Hoe beoordeelt u de {w1} rond {topic}?",
    "Kunt u aangeven hoeveel {w1} er de afgelopen jaren zijn geweest, uitgesplitst per jaar?",
    "Welke {w1} gaat u nemen om de {w2} te verbeteren, en op welke termijn?",
    "Deelt u de mening dat de {w1} van {topic} tekortschiet? Zo nee, waarom niet?",
    "Wat is de stand van zaken van het {w1} naar {topic}, en wanneer ontvangt de Kamer de {w2}?",
    "Hoe verhoudt dit zich tot eerdere toezeggingen over de {w1} aan de Kamer?",
    "Bent u bereid met de {w1} in {place} in gesprek te gaan over de {w2}?",
    "Welke rol spelen de {w1} bij de {w2}, en hoe wordt daarop toegezien?",
    "Kunt u deze vragen afzonderlijk en binnen de gebruikelijke termijn beantwoorden?",
]
#: places: each case names one with some probability, so a given place is a rare search word
PLACES = [
    "Appingedam", "Delfzijl", "Ter Apel", "Budel", "Zoutkamp", "Harlingen", "Vlieland", "Terschelling", "Urk",
    "Emmen", "Coevorden", "Hardenberg", "Ommen", "Raalte", "Deventer", "Zutphen", "Doetinchem", "Winterswijk",
    "Tiel", "Culemborg", "Gorinchem", "Dordrecht", "Zwijndrecht", "Spijkenisse", "Hellevoetsluis", "Vlissingen",
    "Terneuzen", "Hulst", "Goes", "Zierikzee", "Bergen op Zoom", "Roosendaal", "Breda", "Oosterhout", "Waalwijk",
    "Tilburg", "Oisterwijk", "Veghel", "Uden", "Oss", "Cuijk", "Boxmeer", "Venray", "Venlo", "Roermond", "Weert",
    "Sittard", "Geleen", "Heerlen", "Kerkrade", "Vaals", "Maastricht", "Eijsden", "Gennep", "Nijmegen", "Wijchen",
    "Ede", "Wageningen", "Veenendaal", "Amersfoort", "Soest", "Baarn", "Hilversum", "Huizen", "Almere", "Lelystad",
    "Dronten", "Kampen", "Zwolle", "Meppel", "Steenwijk", "Heerenveen", "Drachten", "Sneek", "Leeuwarden",
    "Dokkum", "Groningen", "Winschoten", "Veendam", "Stadskanaal", "Assen", "Hoogeveen", "Zaandam", "Purmerend",
    "Hoorn", "Enkhuizen", "Den Helder", "Alkmaar", "Heerhugowaard", "Castricum", "Beverwijk", "Velsen", "Haarlem",
    "Zandvoort", "Hoofddorp", "Schiphol", "Leiden", "Katwijk", "Noordwijk", "Gouda", "Alphen aan den Rijn",
    "Woerden", "Zoetermeer", "Delft", "Westland", "Maassluis", "Schiedam", "Vlaardingen", "Capelle aan den IJssel",
    "Barendrecht", "Ridderkerk", "Papendrecht", "Sliedrecht", "Zaltbommel", "Lochem", "Borculo", "Almelo", "Hengelo",
    "Enschede", "Oldenzaal", "Losser", "Haaksbergen",
]
#: the search words the benchmark uses (lower-cased as in search_text)
COMMON_WORD = "politie"
RARE_WORD = "appingedam"

KIND_WEIGHTS = [
    ("written_questions", 60), ("committee_request", 25), ("commitment", 6), ("motion", 5),
    ("plenary_request", 3), ("other", 1),
]
OPEN_STATUSES = ["registered", "assigned", "drafting", "in_review", "awaiting_signature"]
CLOSED_MIX = [("answered", 88), ("withdrawn", 4), ("transferred", 4), ("no_reply_needed", 4)]
LINK_TYPES = ["related", "follow_up_of", "same_subject", "duplicate_of", "answered_together"]


def _weighted(rng: random.Random, pairs: list[tuple[Any, int]]) -> Any:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _search_text(reference: str, subject: str, notes: str, dossier: str | None, questions: list[str]) -> str:
    """Exactly ``parliament_tracker.cases.services._search_text``."""
    parts = [reference, subject, notes or "", dossier or ""]
    parts += list(questions)
    return " ".join(parts).lower()


@dataclasses.dataclass
class Summary:
    cases: int = 0
    questions: int = 0
    members: int = 0
    links: int = 0
    audit: int = 0
    seconds: float = 0.0
    ids: dict[str, Any] = dataclasses.field(default_factory=dict)


def _insert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        conn.execute(table.insert(), rows[start : start + BATCH])


def populate(engine: sa.Engine, count: int, *, seed: int = 42) -> Summary:
    """Fill an empty schema with ``count`` cases. Returns counts and a few ids the benchmark needs."""
    from parliament_tracker.audit.models import AuditEntry
    from parliament_tracker.auth.models import User
    from parliament_tracker.cases.models import Case, CaseLink, Question, case_members
    from parliament_tracker.organisation.models import Committee, Directorate, Member, Party, Signatory

    started = time.perf_counter()
    rng = random.Random(seed)
    now = dt.datetime(2025, 7, 1, 9, 0, tzinfo=dt.UTC)
    summary = Summary()
    with engine.begin() as conn:
        # --- organisation and people -----------------------------------------------------------
        _insert(conn, Directorate.__table__, [
            {"id": i, "code": code, "name": name, "email": f"{code.lower()}-kamerstukken@example.org"}
            for i, (code, name) in enumerate(DIRECTORATES, start=1)
        ])
        _insert(conn, Signatory.__table__, [
            {"id": i, "office_title": t, "name": n, "is_active": True} for i, (t, n) in enumerate(SIGNATORIES, start=1)
        ])
        _insert(conn, Committee.__table__, [
            {"id": i, "name": n, "abbreviation": a} for i, (n, a) in enumerate(COMMITTEES, start=1)
        ])
        _insert(conn, Party.__table__, [
            {"id": i, "abbreviation": a, "name": n} for i, (a, n) in enumerate(PARTIES, start=1)
        ])
        member_rows = []
        for i in range(150):
            surname = SURNAMES[i % len(SURNAMES)]
            name = surname if i < len(SURNAMES) else f"{surname} ({i // len(SURNAMES) + 1})"
            member_rows.append({"id": i + 1, "name": name, "party_id": (i % len(PARTIES)) + 1})
        _insert(conn, Member.__table__, member_rows)
        # drafters and directors per directorate (ids 1..n); the benchmark user is added later
        user_rows = []
        drafters_by_dir: dict[int, list[int]] = {}
        uid = 0
        for d in range(1, len(DIRECTORATES) + 1):
            for j in range(5):
                uid += 1
                role = "director" if j == 0 else "drafter"
                user_rows.append({
                    "id": uid, "username": f"user{uid:03d}", "display_name": f"{rng.choice(SURNAMES)} (d{d}/{j})",
                    "email": f"user{uid:03d}@example.org", "password_hash": "!", "role": role,
                    "directorate_id": d, "is_enabled": True, "failed_logins": 0, "created_at": now,
                })
                if role == "drafter":
                    drafters_by_dir.setdefault(d, []).append(uid)
        _insert(conn, User.__table__, user_rows)

        # --- cases, in order received (ids follow registration order, as in production) -----
        first_day = END_DATE - dt.timedelta(days=365 * YEARS)
        span = (END_DATE - first_day).days
        days = sorted(rng.randrange(span + 1) for _ in range(count))
        next_number: dict[int, int] = {}
        case_rows, question_rows, member_link_rows, audit_rows = [], [], [], []
        kinds = KIND_WEIGHTS
        topic_pairs = TOPICS
        for case_id, day in enumerate(days, start=1):
            received = first_day + dt.timedelta(days=day)
            year = received.year
            number = next_number.get(year, rng.randint(100, 400)) + rng.randint(1, 3)
            next_number[year] = number
            reference = f"{year}Z{number:05d}"
            kind = _weighted(rng, kinds)
            topic = _weighted(rng, topic_pairs)
            if kind == "written_questions":
                subject = f"{rng.choice(PREFIXES_WQ)} {topic}"
            else:
                subject = f"{rng.choice(PREFIXES_OTHER)} {topic}"
            if rng.random() < 0.5:
                subject += f" ({rng.choice(WORDS)} en {rng.choice(WORDS)})"
            age = (END_DATE - received).days
            if age > 90 or rng.random() < age / 120:
                status = _weighted(rng, CLOSED_MIX)
            else:
                status = rng.choice(OPEN_STATUSES)
            directorate_id = None if status == "registered" or rng.random() < 0.05 else rng.randint(1, len(DIRECTORATES))
            drafter_id = None
            if directorate_id and status != "assigned" and rng.random() < 0.9:
                drafter_id = rng.choice(drafters_by_dir[directorate_id])
            committee_id = rng.randint(1, len(COMMITTEES)) if kind == "committee_request" else None
            dossier = f"{rng.randint(29000, 36700)}-{rng.choice(['VI', 'VII', 'XII', 'VII-A', ''])}".rstrip("-") if rng.random() < 0.4 else None
            notes = ""
            if rng.random() < 0.3:
                notes = f"Afstemmen met {rng.choice(DIRECTORATES)[0]} over de {rng.choice(WORDS)}; termijn {rng.randint(3, 6)} weken."
            questions: list[str] = []
            if kind == "written_questions":
                place = rng.choice(PLACES) if rng.random() < 0.1 else rng.choice(["Den Haag", "Rotterdam", "Amsterdam", "Utrecht"])
                for _n in range(rng.randint(2, 8)):
                    questions.append(rng.choice(QUESTION_TEMPLATES).format(
                        news=rng.choice(NEWS), topic=topic, w1=rng.choice(WORDS), w2=rng.choice(WORDS), place=place
                    ))
                for pos, member_id in enumerate(rng.sample(range(1, 151), k=rng.randint(1, 2))):
                    member_link_rows.append({"case_id": case_id, "member_id": member_id, "position": pos})
                for n, text in enumerate(questions, start=1):
                    question_rows.append({"case_id": case_id, "number": n, "text": text, "answer": "",
                                          "directorate_id": directorate_id, "see_answer_to": None})
            created = dt.datetime.combine(received, dt.time(9, 0), tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randint(0, 480))
            case_rows.append({
                "id": case_id, "reference": reference, "kind": kind, "subject": subject, "received_on": received,
                "status": status, "lead_directorate_id": directorate_id, "drafter_id": drafter_id,
                "addressed_to_id": rng.randint(1, len(SIGNATORIES)), "committee_id": committee_id,
                "dossier": dossier, "notes": notes,
                "search_text": _search_text(reference, subject, notes, dossier, questions),
                "version": 1, "created_at": created, "updated_at": created,
            })
            audit_rows.append({
                "created_at": created, "actor_id": None, "action": "case:created", "object_type": "case",
                "object_id": case_id, "summary": f"case {reference} registered", "details": {"kind": kind},
            })
        # ~30% of cases link to another (mostly earlier, nearby) case
        link_rows, seen = [], set()
        for case_id in range(2, count + 1):
            if rng.random() >= 0.3:
                continue
            target = max(1, case_id - rng.randint(1, 500)) if rng.random() < 0.8 else rng.randint(1, count)
            if target == case_id or (case_id, target) in seen or (target, case_id) in seen:
                continue
            seen.add((case_id, target))
            link_rows.append({"source_id": case_id, "target_id": target, "link_type": rng.choice(LINK_TYPES),
                              "created_at": now, "created_by_id": None})

        _insert(conn, Case.__table__, case_rows)
        _insert(conn, Question.__table__, question_rows)
        _insert(conn, case_members, member_link_rows)
        _insert(conn, CaseLink.__table__, link_rows)
        _insert(conn, AuditEntry.__table__, audit_rows)
        if conn.dialect.name == "postgresql":
            for table in ("directorates", "signatories", "committees", "parties", "members", "users", "cases"):
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    analyze(engine)
    summary.cases, summary.questions, summary.members = len(case_rows), len(question_rows), len(member_link_rows)
    summary.links, summary.audit = len(link_rows), len(audit_rows)
    sources = {s for s, _t in seen}
    summary.ids = {
        "linked_references": [r["reference"] for r in case_rows if r["id"] in sources][:200],
        "directorate_id": 1,
    }
    summary.seconds = time.perf_counter() - started
    return summary


def analyze(engine: sa.Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))


def reset_postgres_database(name: str = PG_BENCH_DB) -> str:
    """Drop and create the benchmark database; returns its URL."""
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_postgres_database(name: str = PG_BENCH_DB) -> None:
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def make_app(url: str, instance_dir: str):  # type: ignore[no-untyped-def]
    os.environ["PARLIAMENT_TRACKER_INSTANCE_PATH"] = instance_dir
    from parliament_tracker import create_app

    return create_app({
        "TESTING": False,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "bench",
        "WTF_CSRF_ENABLED": True,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
    })


def build_database(kind: str, count: int, workdir: str, *, seed: int = 42):  # type: ignore[no-untyped-def]
    """A fresh schema (``db.create_all()`` through the real app) filled with ``count`` cases."""
    from parliament_tracker.extensions import db

    if kind == "sqlite":
        path = os.path.join(workdir, f"bench_{count}.sqlite")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        url = "sqlite:///" + path
    else:
        url = reset_postgres_database()
    app = make_app(url, workdir)
    with app.app_context():
        db.create_all()
        summary = populate(db.engine, count, seed=seed)
    return app, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--workdir", default=None, help="directory for the SQLite file (default: a temp dir, kept)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    workdir = args.workdir or tempfile.mkdtemp(prefix="bench_cases_")
    os.makedirs(workdir, exist_ok=True)
    _app, s = build_database(args.db, args.count, workdir, seed=args.seed)
    print(f"{args.db}: {s.cases} cases, {s.questions} questions, {s.members} case_members, {s.links} links, "
          f"{s.audit} audit entries in {s.seconds:.1f} s  (workdir {workdir})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def print_profile(profile: Any, out: str, lines: int) -> None:
    """The benches' cProfile report: written to ``out`` (pstats) if given, then the top ``lines``
    by cumulative and by own time."""
    import pstats

    stats = pstats.Stats(profile)
    if out:
        stats.dump_stats(out)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)
