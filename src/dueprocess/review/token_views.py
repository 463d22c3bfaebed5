"""API tokens in the console: staff see and revoke their own; an administrator sees and
revokes everyone's (an auditor sees them). Revoking asks for confirmation on a page of its
own, so it works without scripts, and goes through the audited accounts action."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from dueprocess.accounts import actions as account_actions
from dueprocess.accounts import selectors
from dueprocess.accounts.models import ApiToken
from dueprocess.web.access import staff_required

#: Rows on the page; tokens are few, a cap keeps a mistake from rendering thousands.
LIMIT = 1000

#: A token's state as the page says it.
STATE_LABELS = {"active": pgettext_lazy("token state", "active"),
                "revoked": pgettext_lazy("token state", "revoked"),
                "expired": pgettext_lazy("token state", "expired")}


def _state(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def _owner(token: ApiToken) -> dict[str, str]:
    requester = getattr(token.user, "requester", None)
    return {"user": token.user.get_username(),
            "authority": requester.authority.name if requester is not None else ""}


@staff_required
@require_GET
def tokens(request: HttpRequest) -> HttpResponse:
    rows = [{"token": t, "owner": _owner(t), "state": state, "state_label": _state(state),
             "revocable": selectors.may_revoke(request.user, t)}
            for t in selectors.tokens_visible_to(request.user)[:LIMIT]
            for state in (selectors.token_state(t),)]
    return render(request, "review/tokens.html", {
        "rows": rows, "sees_all": selectors.sees_all_tokens(request.user)})


@staff_required
@require_http_methods(["GET", "POST"])
def revoke_token(request: HttpRequest, token: int) -> HttpResponse:
    row = selectors.tokens_visible_to(request.user).filter(pk=token).first()
    if row is None:
        raise Http404(_("no such token"))
    if not selectors.may_revoke(request.user, row):
        raise PermissionDenied(_("revoking another person's token needs %(perm)s")
                               % {"perm": "accounts.change_apitoken"})
    if request.method == "GET":
        state = selectors.token_state(row)
        return render(request, "review/token_revoke.html", {
            "token": row, "owner": _owner(row), "state": state, "state_label": _state(state)})
    if row.revoked_at is None:
        account_actions.revoke_token(row, user=request.user)
        messages.success(request, _("Token %(prefix)s… revoked: requests with it now get 401.")
                         % {"prefix": row.prefix})
    return redirect("review:tokens")
