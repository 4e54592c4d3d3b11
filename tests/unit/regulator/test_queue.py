"""The review queue: what each regulator sees, every filter, paging in SQL, the counts, and
refusals of filters the page never offers."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from cers_app.core import clock, db
from cers_app.core.codes import ACCEPTED, UNDER_REVIEW
from cers_app.core.errors import ValidationFailed
from cers_app.facilities.models import Facility, FacilityStatus
from cers_app.regulator import queue
from cers_app.regulator import review as review_service
from cers_app.regulator.queue import QueueQuery
from tests.audit_hook import exempt
from tests.unit.facilities import county as yolo
from tests.unit.regulator.cast import ERTP, FI, HMI, submitted_plan
from tests.unit.regulator.conftest import Review


@dataclasses.dataclass(frozen=True)
class Queue:
    review: Review
    woodland: int
    woodland_versions: dict[int, int]


@pytest.fixture
def q(review) -> Queue:
    """The Davis plan and, submitted after it, Acme's Woodland plan (its HMI to the PA)."""
    world = review.world
    woodland = yolo.add_facility(
        world.lena, world.acme, name="Acme Woodland Yard", city="Woodland", zip_code="95695"
    )
    return Queue(review, woodland, submitted_plan(world, woodland))


def _page(who, **query):
    return db.run(queue.queue_page, who.actor(), QueueQuery(**query))


def _ids(page) -> list[int]:
    return [row.version_id for row in page.rows]


def _all(q: Queue) -> list[int]:
    davis, woodland = q.review.versions, q.woodland_versions
    return [davis[e] for e in (FI, HMI, ERTP)] + [woodland[e] for e in (FI, HMI, ERTP)]


def test_a_cupa_reviewer_sees_every_open_submittal_oldest_first(q):
    page = _page(q.review.rob)

    assert _ids(page) == _all(q)
    assert page.total == 6 and page.pages == 1
    first = page.rows[0]
    facility = yolo.facility(q.review.plant)
    assert (first.cers_id, first.facility_name, first.city) == (
        facility.cers_id,
        facility.name,
        "Davis",
    )
    assert (first.element_label, first.status_label, first.submitter) == (
        "Facility Information",
        "Submitted",
        "Connie Chen",
    )
    assert first.agency == "Yolo County Environmental Health" and first.submitted_at
    woodland_hmi = next(r for r in page.rows if r.version_id == q.woodland_versions[HMI])
    assert woodland_hmi.agency == "Woodland Fire Department"
    assert set(page.agencies.values()) == {
        "Yolo County Environmental Health",
        "Woodland Fire Department",
    }
    assert _ids(_page(q.review.rob, sort="newest")) == list(reversed(_all(q)))


def test_each_agency_sees_only_its_reach(q):
    assert _ids(_page(q.review.pam)) == [q.woodland_versions[HMI]]
    assert _ids(_page(q.review.vic)) == _all(q)
    rex, lena = _page(q.review.rex), _page(q.review.world.lena)
    assert rex.rows == [] and rex.total == 0
    assert rex.agencies == {str(q.review.county.other): "Bay City Environmental Health"}
    assert lena.rows == [] and lena.total == 0 and lena.agencies == {}


def test_status_filters(q):
    rob = q.review.rob
    davis_hmi = q.review.versions[HMI]
    db.run(review_service.set_status, rob.actor(), davis_hmi, ACCEPTED, "")
    db.run(review_service.set_status, rob.actor(), q.review.versions[ERTP], UNDER_REVIEW, "")

    assert davis_hmi not in _ids(_page(rob))
    assert len(_ids(_page(rob))) == 5
    assert _ids(_page(rob, status="4")) == [davis_hmi]
    assert _ids(_page(rob, status="3")) == [q.review.versions[ERTP]]
    assert len(_ids(_page(rob, status="2"))) == 4
    assert _ids(_page(rob, status="all")) == _all(q)
    assert _ids(_page(rob, status="5")) == []


def test_element_agency_and_facility_filters(q):
    rob, woodland = q.review.rob, q.woodland_versions
    assert _ids(_page(rob, element="2")) == [q.review.versions[HMI], woodland[HMI]]
    assert _ids(_page(rob, agency=str(q.review.county.pa))) == [woodland[HMI]]
    assert len(_ids(_page(rob, agency=str(q.review.county.cupa)))) == 5
    assert _ids(_page(rob, facility="  woodLAND ")) == [woodland[e] for e in (FI, HMI, ERTP)]
    cers_id = yolo.facility(q.review.plant).cers_id
    assert _ids(_page(rob, facility=str(cers_id))) == [
        q.review.versions[e] for e in (FI, HMI, ERTP)
    ]
    assert _ids(_page(rob, facility="davis works")) == [
        q.review.versions[e] for e in (FI, HMI, ERTP)
    ]
    assert _ids(_page(rob, facility="%")) == [] and _ids(_page(rob, facility="_")) == []
    assert _ids(_page(rob, element="2", facility="woodland")) == [woodland[HMI]]


def test_submitted_date_range(q):
    rob, today = q.review.rob, clock.today()
    assert _ids(_page(rob, submitted_from=today.isoformat(), submitted_to=today.isoformat())) == (
        _all(q)
    )
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert _ids(_page(rob, submitted_from=tomorrow)) == []
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    assert _ids(_page(rob, submitted_to=yesterday)) == []
    assert _ids(_page(rob, submitted_from=today)) == _all(q)  # a date object is taken too


def test_paging_happens_in_sql(q):
    rob = q.review.rob
    first = _page(rob, page=1, page_size=4)
    second = _page(rob, page=2, page_size=4)
    beyond = _page(rob, page=9, page_size=4)

    assert (first.total, first.pages, len(first.rows)) == (6, 2, 4)
    assert _ids(first) + _ids(second) == _all(q)
    assert beyond.rows == [] and beyond.total == 6
    assert _page(rob, page="x", page_size="y").page == 1  # nonsense paging falls back


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"element": "11"}, "element"),
        ({"element": "HMI"}, "element"),
        ({"status": "1"}, "status"),
        ({"status": "7"}, "status"),
        ({"status": "<script>"}, "status"),
        ({"agency": "999999"}, "agency"),
        ({"agency": "x"}, "agency"),
        ({"sort": "id; drop table"}, "sort"),
        ({"submitted_from": "yesterday"}, "submitted_from"),
        ({"submitted_from": "2026-03-02", "submitted_to": "2026-03-01"}, "submitted_to"),
        ({"facility": "x" * 101}, "facility"),
    ],
)
def test_unknown_filters_are_refused_with_a_message(q, query, field):
    with pytest.raises(ValidationFailed) as exc:
        _page(q.review.rob, **query)
    assert field in exc.value.fields


def test_an_agency_out_of_reach_is_refused(q):
    with pytest.raises(ValidationFailed) as exc:
        _page(q.review.pam, agency=str(q.review.county.cupa))
    assert "agency" in exc.value.fields


def test_counts_for_the_regulator_home(q):
    rob = q.review.rob
    assert db.run(queue.queue_counts, rob.actor()) == queue.QueueCounts(6, 0)
    db.run(review_service.set_status, rob.actor(), q.review.versions[HMI], UNDER_REVIEW, "")
    db.run(review_service.set_status, rob.actor(), q.review.versions[FI], ACCEPTED, "")
    assert db.run(queue.queue_counts, rob.actor()) == queue.QueueCounts(4, 1)
    assert db.run(queue.queue_counts, q.review.pam.actor()) == queue.QueueCounts(1, 0)
    assert db.run(queue.queue_counts, q.review.rex.actor()) == queue.QueueCounts(0, 0)


def test_a_facility_that_is_no_longer_active_leaves_the_queue_and_the_counts(q):
    rob, pam = q.review.rob, q.review.pam

    def retire(session):
        session.get(Facility, q.woodland).status = FacilityStatus.DELETED.value
        session.commit()

    with exempt("stands in for the facility-deletion request, tested in facilities"):
        db.run(retire)

    davis = [q.review.versions[e] for e in (FI, HMI, ERTP)]
    assert _ids(_page(rob)) == davis and _ids(_page(rob, status="all")) == davis
    assert _ids(_page(rob, facility="woodland")) == []
    assert db.run(queue.queue_counts, rob.actor()) == queue.QueueCounts(3, 0)
    # The participating agency saw only Woodland's HMI: now nothing.
    assert _page(pam).rows == [] and _page(pam).total == 0
    assert db.run(queue.queue_counts, pam.actor()) == queue.QueueCounts(0, 0)


def test_a_participating_agency_searches_within_the_elements_it_regulates(q):
    pam, woodland = q.review.pam, q.woodland_versions
    assert _ids(_page(q.review.pam, facility="woodland")) == [woodland[HMI]]
    assert _ids(_page(pam, facility="davis")) == []  # the CUPA's facility, not an element of pam's
    assert _ids(_page(pam, facility=str(yolo.facility(q.woodland).cers_id))) == [woodland[HMI]]
