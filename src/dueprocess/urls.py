"""URL map: API, consoles, admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from dueprocess.accounts.views import LoginView
from dueprocess.execution.api import router as execution_api
from dueprocess.intake.api import router as demands_api
from dueprocess.intake.api_intake import router as intake_api
from dueprocess.notices.api import router as letters_api
from dueprocess.review.api import router as review_api
from dueprocess.sanctions.api import match_router as yente_api
from dueprocess.sanctions.api import router as screening_api
from dueprocess.transparency.api import router as transparency_api
from dueprocess.web.api import api

# Each package owns its router; they are mounted here, once, on the one API instance.
for router in (demands_api, review_api, letters_api, transparency_api, execution_api,
               intake_api):
    api.add_router("", router)
api.add_router("/screening", screening_api)  # POST /screening/search
api.add_router("", yente_api)  # POST /match/{dataset}, as yente answers it

urlpatterns = [
    path("", include("dueprocess.ops.urls")),  # /healthz, /readyz, /metrics
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("dueprocess.accounts.urls")),
    path("review/", include("dueprocess.review.urls")),
    path("sanctions/", include("dueprocess.sanctions.urls")),  # screening hits, lists
    path("transparency/", include("dueprocess.transparency.urls")),  # public, no login
    path("execution/", include("dueprocess.execution.urls")),  # staff: dead letters, holds
    path("productions/", include("dueprocess.execution.portal_urls")),  # authority downloads
    path("", include("dueprocess.intake.urls")),  # /portal/ (authorities), /intake/ (staff)
    path("", RedirectView.as_view(url="/review/", permanent=False)),
]
