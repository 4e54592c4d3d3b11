"""PDF jobs on SQLite and PostgreSQL: asked for by a person who may print the facility, made
by a worker under a lease, downloaded only by that person; a role removed before the worker
runs prints nothing; a dead worker's job is made again by another; attempts run out."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest
from pypdf import PdfReader
from sqlmodel import select
from starlette.applications import Starlette
from starlette.routing import Route

with warnings.catch_warnings():  # "install httpx2": the TestClient works with httpx as it is
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from cers_app.core import clock, db
from cers_app.core.errors import NotFound, ValidationFailed
from cers_app.core.storage import StoredFile
from cers_app.organizations import service as org_service
from cers_app.reports import job_routes, jobs
from cers_app.reports.job_models import ReportJob
from tests.unit.organizations import world as acme_world
from tests.unit.reports.printable import Plan

WORKER_A, WORKER_B = "host:1:1", "host:2:2"


def _ask(person, plan: Plan, kind: str = "packet", **params) -> jobs.JobView:
    return db.run(jobs.request_report, person.actor(), plan.plant, kind, params)


def _run(job_id: int, worker: str = WORKER_A) -> str:
    return db.run(jobs.run_job, job_id, worker)


def _job(job_id: int) -> ReportJob:
    return db.run(lambda s: s.get(ReportJob, job_id))


def test_a_member_asks_the_worker_makes_it_and_only_they_download_it(plan) -> None:
    asked = _ask(plan.world.val, plan)
    assert (asked.status, asked.label) == (jobs.QUEUED, "Submittal packet")

    assert _run(asked.id) == jobs.DONE

    seen = db.run(jobs.job_view, plan.world.val.actor(), asked.id)
    assert (seen.status, seen.message) == (jobs.DONE, "")
    assert seen.file_name.endswith(".pdf") and str(plan.cers_id) in seen.file_name
    found = db.run(jobs.download, plan.world.val.actor(), plan.plant, asked.id)
    text = "".join(page.extract_text() for page in PdfReader(found.path).pages)
    assert str(plan.cers_id) in text
    for other, facility in ((plan.world.lena, plan.plant), (plan.world.val, plan.plant + 1)):
        with pytest.raises(NotFound):
            db.run(jobs.download, other.actor(), facility, asked.id)
    with pytest.raises(NotFound):
        db.run(jobs.job_view, plan.world.otto.actor(), asked.id)
    listed = db.run(jobs.recent_jobs, plan.world.val.actor(), plan.plant)
    assert [view.id for view in listed] == [asked.id]
    assert db.run(jobs.recent_jobs, plan.world.lena.actor(), plan.plant) == []


def test_outsiders_cannot_ask_and_bad_requests_are_refused(plan) -> None:
    for person in (plan.world.otto, plan.rex):
        with pytest.raises(NotFound):
            _ask(person, plan)
    with pytest.raises(NotFound):
        _ask(plan.world.val, plan, kind="everything")
    with pytest.raises(NotFound):
        _ask(plan.world.val, plan, submittal_id="1; DROP TABLE report_job")
    with pytest.raises(ValidationFailed):
        _ask(plan.world.val, plan, kind="inventory", filter={"waste": "some"})
    assert db.run(lambda s: list(s.exec(select(ReportJob)))) == []


def test_a_regulator_prints_the_inventory_they_review(plan) -> None:
    asked = _ask(plan.rob, plan, "inventory", filter={"location": "Vault 9"})

    assert _run(asked.id) == jobs.DONE
    found = db.run(jobs.download, plan.rob.actor(), plan.plant, asked.id)
    text = "".join(page.extract_text() for page in PdfReader(found.path).pages)
    assert "Blend 77 Solvent" in text and "Diesel" not in text


def test_a_role_removed_before_the_worker_runs_prints_nothing(plan) -> None:
    asked = _ask(plan.world.val, plan)
    files = db.run(lambda s: len(list(s.exec(select(StoredFile)))))
    member = acme_world.member_id(plan.world.acme, plan.world.val)
    db.run(org_service.remove_person, plan.world.lena.actor(), plan.world.acme, member)

    assert _run(asked.id) == jobs.FAILED

    job = _job(asked.id)
    assert (job.status, job.message, job.stored_file_id) == (
        jobs.FAILED,
        jobs.NO_LONGER_ALLOWED,
        None,
    )
    assert db.run(lambda s: len(list(s.exec(select(StoredFile))))) == files


def test_a_dead_workers_job_is_made_again_by_another(plan) -> None:
    asked = _ask(plan.world.val, plan)
    taken = db.run(jobs._claim, asked.id, WORKER_A)  # worker A dies holding the lease
    assert taken is not None and _job(asked.id).status == jobs.RUNNING
    assert _run(asked.id, WORKER_B) == ""  # the lease is still A's

    def expire(session) -> None:
        job = session.get(ReportJob, asked.id)
        job.lease_until = clock.now() - dt.timedelta(seconds=1)
        session.add(job)
        session.commit()

    db.run(expire)
    assert _run(asked.id, WORKER_B) == jobs.DONE
    job = _job(asked.id)
    assert (job.status, job.attempts) == (jobs.DONE, 2)
    assert not db.run(jobs._finish, asked.id, WORKER_A, status=jobs.DONE)  # A came back late


def test_attempts_run_out(plan) -> None:
    asked = _ask(plan.world.val, plan)

    def exhausted(session) -> None:
        job = session.get(ReportJob, asked.id)
        job.status, job.attempts = jobs.RUNNING, jobs.MAX_ATTEMPTS
        job.lease_until = clock.now() - dt.timedelta(seconds=1)
        session.add(job)
        session.commit()

    db.run(exhausted)

    assert _run(asked.id) == ""
    job = _job(asked.id)
    assert (job.status, job.message) == (jobs.FAILED, jobs.GAVE_UP)


def _client(person) -> TestClient:
    async def as_person(request):
        request.state.actor = person.actor()
        return await job_routes.job_file(request)

    return TestClient(Starlette(routes=[Route("/file", as_person)]))


def test_the_route_sends_the_owner_their_pdf_and_nobody_else(plan) -> None:
    asked = _ask(plan.world.val, plan, "public")
    where = {"id": plan.plant, "file": asked.id}
    assert _client(plan.world.val).get("/file", params=where).status_code == 404  # not made yet
    _run(asked.id)

    reply = _client(plan.world.val).get("/file", params=where)

    assert reply.status_code == 200 and reply.content.startswith(b"%PDF")
    assert reply.headers["content-disposition"].startswith("attachment;")
    assert reply.headers["content-security-policy"] == "sandbox"
    for person in (plan.world.lena, plan.world.otto, plan.rob):
        assert _client(person).get("/file", params=where).status_code == 404


def test_a_job_waiting_for_a_thread_is_handed_over_once(monkeypatch) -> None:
    submitted: list[int] = []
    monkeypatch.setattr(jobs, "_HANDED", set())
    monkeypatch.setattr(jobs._POOL, "submit", lambda fn, job_id: submitted.append(job_id))

    for _ in range(3):
        jobs.start(41)
    jobs.start(42)

    assert submitted == [41, 42]
