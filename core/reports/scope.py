"""Who sees which rows: viewer scopes (a city, an applicant, an expert's assignments) and USCC masking."""

from __future__ import annotations

import re

from huiqi.errors import InputError
from huiqi.regions import in_prefix, validate_region
from huiqi.workflow.actors import Actor

# Roles whose view is narrowed by their scope, and what the scope is.
REGION_ROLES = ("city_bureau", "city")  # city_bureau:340100 sees rows of region 3401xx
APPLICANT_ROLES = ("enterprise",)       # enterprise:<USCC> sees its own rows
ASSIGNED_ROLES = ("expert",)            # expert:<id> sees the applications assigned to it
PUBLIC_ROLES = ("public",)              # sees USCCs with the middle 8 characters masked
_SIX_DIGITS = re.compile(r"[0-9]{6}")


def check_viewer(viewer: Actor, region: str | None) -> None:
    """Refuse a viewer whose scope is missing or malformed, or a --region outside its scope."""
    scoped = REGION_ROLES + APPLICANT_ROLES + ASSIGNED_ROLES
    if viewer.role in scoped and not viewer.scope:
        raise InputError("--as", str(viewer), f"{viewer.role}:SCOPE (the role {viewer.role} sees only its own rows)")
    if viewer.role in REGION_ROLES:
        validate_region(viewer.scope, "--as")
        if region is not None and not (in_prefix(region, viewer.scope) or in_prefix(viewer.scope, region)):
            raise InputError("--region", region, f"a region inside {viewer.scope}",
                             reason=f"{viewer} cannot see region {region}")


def row_visible(ctx, *, region_code: str | None, uscc: str | None, assigned=()) -> bool:
    """True when a row of this region / applicant is in the viewer's scope and the --region filter."""
    viewer = ctx.viewer
    if viewer.role in REGION_ROLES and not _inside(region_code, viewer.scope):
        return False
    if viewer.role in APPLICANT_ROLES and uscc != viewer.scope:
        return False
    if viewer.role in ASSIGNED_ROLES and viewer.scope not in (assigned or ()):
        return False
    return ctx.region is None or _inside(region_code, ctx.region)


def _inside(region_code: str | None, prefix: str) -> bool:
    return bool(region_code) and _SIX_DIGITS.fullmatch(region_code) is not None and in_prefix(region_code, prefix)


def mask_uscc(uscc: str | None) -> str | None:
    """The middle 8 of 18 characters hidden (R2 公示名单): 91340100MA2N0AB1CJ → 91340********AB1CJ."""
    if not uscc:
        return uscc
    if len(uscc) != 18:
        return "*" * len(uscc)
    return uscc[:5] + "*" * 8 + uscc[13:]
