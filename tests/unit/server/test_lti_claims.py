"""What an LTI 1.3 launch says: roles, the module it opens, and whether grades can be sent."""

from __future__ import annotations

import pytest

from katlearn.server import _lti_claims as lti

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
MODULES = ["00_start_here", "03_neuroplasticity", "educator_dashboard"]
AGS_SCOPES = [lti.SCOPE_LINEITEM, lti.AGS_SCOPE + "result.readonly", lti.SCOPE_SCORE]


@pytest.mark.parametrize("roles, educator", [
    ([MEMBERSHIP + "#Instructor"], True),
    ([MEMBERSHIP + "/Instructor#TeachingAssistant"], True),
    ([MEMBERSHIP + "#TeachingAssistant"], True),
    ([MEMBERSHIP + "#Learner"], False),
    # what someone is at the school is not their role in this course
    (["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor", MEMBERSHIP + "#Learner"], False),
    (["Instructor"], False),  # a bare name is not an LTI 1.3 role URI
    ([], False),
    (None, False),
    ([None, 3, MEMBERSHIP + "#Instructor"], True),
])
def test_instructors_and_teaching_assistants_are_educators(roles, educator):
    assert lti.is_educator(roles) is educator


def test_roles_of_a_launch_ignore_what_is_not_a_list_of_strings():
    assert lti.launch_roles({lti.ROLES_CLAIM: [MEMBERSHIP + "#Learner", 7]}) == [MEMBERSHIP + "#Learner"]
    assert lti.launch_roles({lti.ROLES_CLAIM: MEMBERSHIP + "#Instructor"}) == []
    assert lti.launch_roles({}) == []


@pytest.mark.parametrize("claims, module", [
    ({lti.CUSTOM_CLAIM: {"module": "03_neuroplasticity"}}, "03_neuroplasticity"),
    ({lti.CUSTOM_CLAIM: {"module": "03_neuroplasticity.ipynb "}}, "03_neuroplasticity"),
    ({lti.TARGET_LINK_CLAIM: "https://hub.example.org/hub/lti13/oauth_login?module=educator_dashboard"},
     "educator_dashboard"),
    ({lti.TARGET_LINK_CLAIM: "https://hub.example.org/user-redirect/voila/render/03_neuroplasticity.ipynb"},
     "03_neuroplasticity"),
    # the custom parameter wins over the link
    ({lti.CUSTOM_CLAIM: {"module": "00_start_here"},
      lti.TARGET_LINK_CLAIM: "https://hub.example.org/?module=03_neuroplasticity"}, "00_start_here"),
    # not in the course: no module (the learner lands on the home page)
    ({lti.CUSTOM_CLAIM: {"module": "../../etc/passwd"}}, None),
    ({lti.CUSTOM_CLAIM: {"module": "99_missing"}}, None),
    ({lti.TARGET_LINK_CLAIM: "https://hub.example.org/hub/"}, None),
    ({}, None),
])
def test_the_module_a_launch_opens(claims, module):
    assert lti.target_module(claims, MODULES) == module


def _launch(**ags):
    claims = {"iss": "https://lms.example.org", "aud": "tool-1", "sub": "u-42",
              lti.DEPLOYMENT_CLAIM: "dep-1", lti.CONTEXT_CLAIM: {"id": "course-7", "label": "KAT"}}
    if ags:
        claims[lti.AGS_CLAIM] = ags
    return claims


def test_a_launch_with_ags_says_where_scores_go():
    target, why = lti.grade_target(_launch(scope=AGS_SCOPES, lineitems="https://lms.example.org/c/7/lineitems"))
    assert why == ""
    assert target == lti.GradeTarget("https://lms.example.org", "tool-1", "dep-1",
                                     "https://lms.example.org/c/7/lineitems", "u-42", "course-7")
    assert target.key == "https://lms.example.org https://lms.example.org/c/7/lineitems"


def test_the_client_id_of_a_launch_with_several_audiences_is_its_authorized_party():
    claims = {**_launch(scope=AGS_SCOPES, lineitems="https://lms.example.org/li"), "aud": ["x", "tool-1"],
              "azp": "tool-1"}
    assert lti.grade_target(claims)[0].client_id == "tool-1"


@pytest.mark.parametrize("ags, why", [
    ({}, "did not offer its gradebook"),
    ({"scope": [lti.SCOPE_SCORE], "lineitems": "https://lms.example.org/li"}, "to lineitem"),
    ({"scope": [lti.SCOPE_LINEITEM], "lineitems": "https://lms.example.org/li"}, "to score"),
    ({"scope": AGS_SCOPES, "lineitem": "https://lms.example.org/li/1"}, "no 'lineitems' URL"),
    ({"scope": AGS_SCOPES, "lineitems": "javascript:alert(1)"}, "no 'lineitems' URL"),
])
def test_a_launch_without_what_grades_need_says_why(ags, why):
    target, reason = lti.grade_target(_launch(**ags) if ags else _launch())
    assert target is None
    assert why in reason
