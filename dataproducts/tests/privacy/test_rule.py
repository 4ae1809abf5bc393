"""dataproducts.privacy on its own: the rule, the remainder, complementary suppression, differencing, and
properties over random observation sets (hypothesis)."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from dataproducts.privacy import Observation, Rule, passes, publish

RULE = Rule(3, Decimal(60))


def total(values, enterprises):
    return {"lines": len(values), "sum": sum(values), "enterprises": enterprises}


def cell(key, *contributions):
    """Observations of one cell: (enterprise, value) each, weighted by its value."""
    return [Observation((key,), enterprise, value, value) for enterprise, value in contributions]


def test_it_publishes_cells_that_pass_and_nothing_else_when_nothing_fails():
    outcome = publish(cell("a", (1, 10), (2, 10), (3, 10)) + cell("b", (1, 5), (2, 5), (4, 5)), aggregate=total,
                      rule=RULE)
    assert [row.key for row in outcome.rows] == [("a",), ("b",)] and outcome.suppressed == []


def test_too_few_enterprises_and_dominance_suppress_a_cell():
    assert not passes(RULE, {1: 10, 2: 10})
    assert not passes(RULE, {1: 61, 2: 20, 3: 19})
    assert passes(RULE, {1: 60, 2: 20, 3: 20})
    assert passes(RULE, {1: 0, 2: 0, 3: 0})


def test_one_suppressed_cell_takes_the_smallest_other_into_the_remainder():
    observations = (cell("big", (1, 100), (2, 100), (3, 100), (4, 100)) + cell("small", (5, 10), (6, 10), (7, 10))
                    + cell("thin", (8, 7), (9, 7)))
    outcome = publish(observations, aggregate=total, rule=RULE)
    assert outcome.reasons == {("thin",): "enterprises", ("small",): "complementary"}
    assert [(row.key, row.measures["lines"], row.enterprises) for row in outcome.rows] == [
        (("big",), 4, 4), (None, 5, 5)]


def test_a_remainder_nothing_can_make_pass_is_not_published():
    # one enterprise dominates everything: no pool dilutes it below 60 %
    observations = cell("a", (1, 1000), (2, 1), (3, 1)) + cell("b", (1, 1000), (4, 1), (5, 1))
    outcome = publish(observations, aggregate=total, rule=RULE)
    assert outcome.rows == [] and outcome.remainder_cells == [] and len(outcome.suppressed) == 2


def test_a_changed_cell_is_published_again_only_if_the_change_passes_the_rule():
    before = {("a",): [{1: (1, 10), 2: (1, 10), 3: (1, 10)}]}
    one_more = cell("a", (1, 10), (2, 10), (3, 10), (4, 10)) + cell("b", (5, 1), (6, 1), (7, 1))
    outcome = publish(one_more, aggregate=total, rule=RULE, earlier=before)
    assert outcome.reasons[("a",)] == "differencing"
    three_more = cell("a", (1, 10), (2, 10), (3, 10), (4, 10), (5, 10), (6, 10))
    assert publish(three_more, aggregate=total, rule=RULE, earlier=before).suppressed == []
    unchanged = cell("a", (1, 10), (2, 10), (3, 10))
    assert publish(unchanged, aggregate=total, rule=RULE, earlier=before).suppressed == []


observation_sets = st.lists(
    st.tuples(st.sampled_from("abcdef"), st.integers(1, 9), st.integers(1, 1000)), min_size=0, max_size=80)


def share_ok(rule, contributors):
    weights = {enterprise: weight for enterprise, (_records, weight) in contributors.items()}
    return passes(rule, weights)


@settings(max_examples=300, deadline=None)
@given(observation_sets, st.integers(3, 6), st.integers(20, 90))
def test_every_published_row_passes_the_rule(rows, minimum, share):
    rule = Rule(minimum, Decimal(share))
    outcome = publish([Observation((key,), enterprise, weight, weight) for key, enterprise, weight in rows],
                      aggregate=total, rule=rule)
    for row in outcome.rows:
        assert row.enterprises >= minimum
        assert share_ok(rule, row.contributors)
    published = {row.key for row in outcome.rows}
    assert published.isdisjoint(outcome.suppressed)
    # nothing is published twice: the published cells and the remainder's add up to at most every observation
    assert sum(row.measures["lines"] for row in outcome.rows) <= len(rows)


@settings(max_examples=300, deadline=None)
@given(observation_sets, st.integers(3, 6), st.integers(20, 90))
def test_a_remainder_never_is_one_suppressed_cell(rows, minimum, share):
    rule = Rule(minimum, Decimal(share))
    outcome = publish([Observation((key,), enterprise, weight, weight) for key, enterprise, weight in rows],
                      aggregate=total, rule=rule)
    primary = [key for key, reason in outcome.reasons.items() if reason != "complementary"]
    remainder = [row for row in outcome.rows if row.is_remainder]
    if remainder:
        assert len(outcome.remainder_cells) >= 2
        if len(primary) == 1:
            alone = outcome.cells[primary[0]]
            assert remainder[0].measures != total(alone.values, alone.enterprises)
