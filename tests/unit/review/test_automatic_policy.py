"""The automatic approval policy, a stand-in for the sales manager in demos (P2.3, P8.1): it acts
only when the settings switch it on, signs as the automatic policy, says so on the verdict it
leads to, and never records the contract as stamped (P2.2)."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.review.settings import ReviewSettings
from shared.contracts import topics
from shared.decisions import AUTOMATIC_POLICY_USER
from tests.unit.review.test_review import evaluated
from tests.unit.review.test_service import Review, assessed, placed, start, with_master_data


@pytest.fixture
async def automatic(tmp_path: Path) -> AsyncIterator[Review]:
    async for running in start(tmp_path, auto_approve_max_amount="50000"):
        yield running


@pytest.mark.rule("P8.1")
def test_the_policy_is_off_unless_the_settings_switch_it_on(tmp_path: Path) -> None:
    assert ReviewSettings(data_dir=tmp_path).auto_approval().max_amount is None
    assert evaluated(auto_approve=None).approvals[0].pending
    assert evaluated(auto_approve="0").approvals[0].pending  # 0: every approval to people


@pytest.mark.rule("P8.1")
def test_the_policy_signs_as_the_automatic_policy_user() -> None:
    (step,) = evaluated(auto_approve="50000").approvals

    assert step.signature is not None
    assert (step.signature.user, step.signature.role) == (AUTOMATIC_POLICY_USER, "sales_manager")


@pytest.mark.rule("P2.2")
def test_the_policy_never_records_the_contract_as_stamped() -> None:
    (step,) = evaluated(auto_approve="50000").approvals

    assert step.contract_stamped is None


@pytest.mark.rule("P8.1")
async def test_the_verdict_the_policy_led_to_names_it_as_signatory(automatic: Review) -> None:
    await with_master_data(automatic)
    await automatic.consume(placed())
    await automatic.consume(assessed())

    (completed,) = await automatic.published(topics.REVIEW_COMPLETED)
    (approval,) = completed["payload"]["approved_by"]
    assert (approval["user"], approval["role"]) == (AUTOMATIC_POLICY_USER, "sales_manager")
    view = await automatic.view("SO-2027-000001")
    assert view["approvals"][0]["user"] == AUTOMATIC_POLICY_USER
    assert view["approvals"][0]["contract_stamped"] is None


@pytest.mark.rule("P8.1")
async def test_without_the_policy_nobody_signs_at_receipt(tmp_path: Path) -> None:
    async for review in start(tmp_path):
        await with_master_data(review)
        await review.consume(placed())
        await review.consume(assessed())

        assert await review.published(topics.REVIEW_COMPLETED) == []
        assert (await review.view("SO-2027-000001"))["approvals"][0]["status"] == "pending"
