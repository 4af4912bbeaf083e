"""What an LTI 1.3 launch says, read once for the hub's login and the grades service.

The launch is an OpenID Connect id_token signed by the LMS (the *platform*). Its claims name the
person (``sub``), their roles in the course, the link they clicked (and its custom parameters) and,
when the platform offers Assignment and Grade Services (AGS), where scores go. Pure functions over
the decoded claims, standard library only, so the hub can import them without the course's
dependencies.

Specifications: LTI Core 1.3 (https://www.imsglobal.org/spec/lti/v1p3/) and LTI AGS 2.0
(https://www.imsglobal.org/spec/lti-ags/v2p0/).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
ROLES_CLAIM = LTI + "roles"
CUSTOM_CLAIM = LTI + "custom"
TARGET_LINK_CLAIM = LTI + "target_link_uri"
RESOURCE_LINK_CLAIM = LTI + "resource_link"
DEPLOYMENT_CLAIM = LTI + "deployment_id"
CONTEXT_CLAIM = LTI + "context"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
AGS_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/"
SCOPE_LINEITEM = AGS_SCOPE + "lineitem"
SCOPE_SCORE = AGS_SCOPE + "score"

# The custom parameter an LMS link sets to open one module: module=03_neuroplasticity
MODULE_PARAMETER = "module"

# Context (course) roles that make someone an educator: instructors and their sub-roles (teaching
# assistants among them). Institution roles (".../institution/person#Instructor") say what a
# person is at the school, not in this course, so they do not count.
_MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
EDUCATOR_ROLES = frozenset({
    _MEMBERSHIP + "#Instructor",
    _MEMBERSHIP + "#TeachingAssistant",  # sent by some platforms instead of the sub-role
})
EDUCATOR_SUBROLE_PREFIX = _MEMBERSHIP + "/Instructor#"  # e.g. .../membership/Instructor#TeachingAssistant

_NOTEBOOK = re.compile(r"(?:^|/)([A-Za-z0-9_\-]+)\.ipynb$")


def is_educator(roles: Iterable[Any]) -> bool:
    """Whether a launch's roles make the person an educator in this course (instructor or TA)."""
    return any(isinstance(r, str) and (r in EDUCATOR_ROLES or r.startswith(EDUCATOR_SUBROLE_PREFIX))
               for r in roles or ())


def launch_roles(claims: Mapping[str, Any]) -> list[str]:
    roles = claims.get(ROLES_CLAIM) or []
    return [r for r in roles if isinstance(r, str)] if isinstance(roles, list) else []


def target_module(claims: Mapping[str, Any], modules: Iterable[str]) -> str | None:
    """The course module a launch asks for, if it is one of ``modules`` (notebook names without
    ``.ipynb``): the custom parameter ``module``, else a ``<module>.ipynb`` path or a
    ``?module=`` query in the launch's target link. None when it asks for none or for one that
    is not in the course."""
    known = set(modules)
    custom = claims.get(CUSTOM_CLAIM)
    wanted: list[str] = []
    if isinstance(custom, Mapping) and isinstance(custom.get(MODULE_PARAMETER), str):
        wanted.append(custom[MODULE_PARAMETER].strip().removesuffix(".ipynb"))
    target = claims.get(TARGET_LINK_CLAIM)
    if isinstance(target, str):
        url = urlparse(target)
        wanted += [m.removesuffix(".ipynb") for m in parse_qs(url.query).get(MODULE_PARAMETER, [])]
        found = _NOTEBOOK.search(url.path)
        if found:
            wanted.append(found.group(1))
    return next((m for m in wanted if m in known), None)


@dataclass(frozen=True)
class GradeTarget:
    """Where one learner's scores go: the platform's line-item container for the course, and the
    learner as the platform knows them (``sub``)."""

    issuer: str
    client_id: str
    deployment_id: str
    lineitems_url: str
    user_id: str
    context_id: str = ""

    @property
    def key(self) -> str:
        """One gradebook: the course's line-item container on one platform."""
        return f"{self.issuer} {self.lineitems_url}"


def grade_target(claims: Mapping[str, Any]) -> tuple[GradeTarget | None, str]:
    """Where this launch's scores can go, or None and why not (said to the learner at launch).

    Per-module line items need the line-item container URL (``lineitems``) and the scopes to
    create line items and post scores.
    """
    ags = claims.get(AGS_CLAIM)
    if not isinstance(ags, Mapping):
        return None, "the LMS did not offer its gradebook (Assignment and Grade Services) for this link"
    scopes = set(ags.get("scope") or [])
    missing = [s.removeprefix(AGS_SCOPE) for s in (SCOPE_LINEITEM, SCOPE_SCORE) if s not in scopes]
    if missing:
        return None, f"the LMS did not allow this tool to {' and '.join(missing)} (gradebook permissions)"
    url = ags.get("lineitems")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return None, "the LMS did not say where this course's gradebook columns are (no 'lineitems' URL)"
    aud = claims.get("aud")
    client_id = aud if isinstance(aud, str) else str(claims.get("azp") or (aud or [""])[0])
    context = claims.get(CONTEXT_CLAIM)
    return GradeTarget(
        issuer=str(claims.get("iss", "")),
        client_id=client_id,
        deployment_id=str(claims.get(DEPLOYMENT_CLAIM, "")),
        lineitems_url=url,
        user_id=str(claims.get("sub", "")),
        context_id=str(context.get("id", "")) if isinstance(context, Mapping) else "",
    ), ""
