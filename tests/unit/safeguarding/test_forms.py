"""Risk forms as versioned data: loading, and refusing bad answers."""

from __future__ import annotations

import pytest

from watchkeeper.kernel.errors import ConfigurationError, InputError
from watchkeeper.safeguarding.forms import Answer, bundled_form, parse_form, record_answers


@pytest.fixture(scope="module")
def dash():
    return bundled_form("dash-police-2009.toml")


def all_answers(form, value="no", section="main"):
    keys = [q.key for s in form.sections if s.key == section for q in s.questions]
    return dict.fromkeys(keys, value)


def test_the_police_dash_has_27_numbered_questions_and_two_supplements(dash):
    main = dash.sections[0]
    assert [q.number for q in main.questions] == list(range(1, 28))
    assert {s.key: len(s.questions) for s in dash.sections[1:]} == {"s-dash": 11, "hbv": 5}
    assert not any(s.scored for s in dash.sections[1:])


def test_questions_12_to_27_are_marked_unconfirmed_and_1_to_11_are_not(dash):
    flags = {q.number: q.unconfirmed for q in dash.sections[0].questions}
    assert not any(flags[n] for n in range(1, 12))
    assert all(flags[n] for n in range(12, 28))


def test_the_safelives_checklist_has_24_questions_sharing_the_police_keys(dash):
    safelives = bundled_form("safelives-2015.toml")
    assert len(safelives.questions) == 24
    police_keys = {q.key for q in dash.sections[0].questions}
    assert {q.key for q in safelives.questions} <= police_keys


def test_the_missing_person_call_handler_script_has_12_questions():
    assert len(bundled_form("missing-call-handler-wmp.toml").questions) == 12


def test_complete_answers_are_recorded_with_the_form_version(dash):
    answers = record_answers(dash, all_answers(dash))
    assert (answers.form_id, answers.version) == ("dash-police-2009", dash.version)
    assert set(answers.answers.values()) == {Answer.NO}


def test_an_unknown_question_key_is_refused(dash):
    with pytest.raises(InputError, match="unknown question keys"):
        record_answers(dash, {**all_answers(dash), "shoe-size": "no"})


def test_a_missing_answer_is_refused_naming_the_question(dash):
    raw = all_answers(dash)
    del raw["strangulation"]
    with pytest.raises(InputError, match=r"Q18 \(strangulation\)"):
        record_answers(dash, raw)


def test_an_answer_outside_yes_no_not_known_is_refused(dash):
    with pytest.raises(InputError, match="maybe"):
        record_answers(dash, {**all_answers(dash), "isolated": "maybe"})


def test_hurt_children_with_no_children_is_refused_naming_both_questions(dash):
    raw = {**all_answers(dash), "children-hurt": "yes", "children-in-household": "no"}
    with pytest.raises(InputError) as refused:
        record_answers(dash, raw)
    assert "Q11 (children-hurt)" in refused.value.message
    assert "Q10 (children-in-household)" in refused.value.message


def test_hurt_children_with_children_not_known_is_accepted(dash):
    raw = {**all_answers(dash), "children-hurt": "yes", "children-in-household": "not-known"}
    assert record_answers(dash, raw).answers["children-hurt"] is Answer.YES


def test_a_supplement_may_be_left_out_but_not_half_answered(dash):
    sdash = all_answers(dash, section="s-dash")
    record_answers(dash, {**all_answers(dash), **sdash})
    sdash.pop("sdash-convictions")
    with pytest.raises(InputError, match="answer all or none"):
        record_answers(dash, {**all_answers(dash), **sdash})


def test_supplement_answers_never_count_towards_the_yes_total(dash):
    raw = {**all_answers(dash), **all_answers(dash, "yes", section="s-dash")}
    assert record_answers(dash, raw).yes_keys(dash) == ()


def test_a_form_whose_contradiction_names_an_unknown_question_is_refused():
    doc = {
        "form": {"id": "f", "version": "1", "title": "t", "source": "s"},
        "sections": [
            {"key": "main", "title": "m", "questions": [{"number": 1, "key": "a", "text": "A?"}]}
        ],
        "contradictions": [
            {
                "first": "a",
                "first_answer": "yes",
                "second": "b",
                "second_answer": "no",
                "reason": "r",
            }
        ],
    }
    with pytest.raises(ConfigurationError, match="unknown question 'b'"):
        parse_form(doc)


def test_a_form_with_a_question_numbered_twice_is_refused():
    doc = {
        "form": {"id": "f", "version": "1", "title": "t", "source": "s"},
        "sections": [
            {
                "key": "main",
                "title": "m",
                "questions": [
                    {"number": 1, "key": "a", "text": "A?"},
                    {"number": 1, "key": "b", "text": "B?"},
                ],
            }
        ],
    }
    with pytest.raises(ConfigurationError, match="numbered once"):
        parse_form(doc)
