"""Routes of the authority portal (``/portal/``) and the staff intake pages (``/intake/``)."""

from django.urls import include, path

from dueprocess.intake import console, portal

portal_patterns = ([
    path("", portal.home, name="home"),
    path("login/", portal.login, name="login"),
    path("logout/", portal.logout, name="logout"),
    path("account/", portal.account, name="account"),
    path("account/tokens/<int:token>/revoke/", portal.revoke_token, name="revoke_token"),
    path("invitations/<str:token>/", portal.invitation, name="invitation"),
    path("demands/new/", portal.new_demand, name="new"),
    path("verify/", portal.verify_package, name="verify"),
    path("demands/<int:pk>/", portal.demand_detail, name="demand"),
    path("demands/<int:pk>/answer/", portal.answer, name="answer"),
    path("demands/<int:pk>/withdraw/", portal.withdraw, name="withdraw"),
    path("demands/<int:pk>/documents/", portal.upload_document, name="documents"),
    path("demands/<int:pk>/documents/<int:doc>/", portal.document, name="document"),
    path("demands/<int:pk>/targets/", portal.upload_targets, name="targets"),
    path("demands/<int:pk>/targets/jobs/<int:job>/", portal.job, name="job"),
    path("demands/<int:pk>/letters/<int:notice>/", portal.letter, name="letter"),
], "portal")

console_patterns = ([
    path("", console.index, name="index"),
    path("email/", console.email_import, name="email"),
    path("emails/<int:pk>/original/", console.email_original, name="email_original"),
    path("demands/<int:pk>/", console.demand, name="demand"),
    path("demands/<int:pk>/callback/", console.callback, name="callback"),
    path("demands/<int:pk>/documents/", console.upload_document, name="documents"),
    path("demands/<int:pk>/documents/<int:doc>/", console.document, name="document"),
    path("demands/<int:pk>/targets/", console.upload_targets, name="targets"),
    path("jobs/<int:job>/", console.job, name="job"),
    path("fraud/", console.signals, name="signals"),
    path("fraud/import/", console.signal_import, name="signal_import"),
    path("fraud/export/", console.signal_export, name="signal_export"),
    path("fraud/<int:pk>/clear/", console.signal_clear, name="signal_clear"),
    path("invitations/", console.invitations, name="invitations"),
], "intake")

urlpatterns = [
    path("portal/", include(portal_patterns)),
    path("intake/", include(console_patterns)),
]
