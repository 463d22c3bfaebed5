"""Reviewer console routes, mounted at ``/review/``."""

from django.urls import path

from dueprocess.review import demand_views, publication_views, views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("assign/", views.bulk_assign, name="bulk_assign"),
    path("views/", views.save_view, name="save_view"),
    path("views/delete/", views.delete_view, name="delete_view"),
    path("search/", views.search, name="search"),
    path("deadlines/", views.calendar, name="calendar"),
    path("demands/<int:pk>/", demand_views.demand_detail, name="demand"),
    path("demands/<int:pk>/targets/", demand_views.targets, name="targets"),
    path("demands/<int:pk>/documents/<int:doc_pk>/", demand_views.document, name="document"),
    path("demands/<int:pk>/email/", demand_views.original_email, name="original_email"),
    path("demands/<int:pk>/productions/", demand_views.productions, name="productions"),
    path("demands/<int:pk>/decide/", demand_views.decide, name="decide"),
    path("demands/<int:pk>/claim/", demand_views.claim, name="claim"),
    path("demands/<int:pk>/assign/", demand_views.assign, name="assign"),
    path("demands/<int:pk>/clarify/", demand_views.clarify, name="clarify"),
    path("demands/<int:pk>/approve/", demand_views.approve, name="approve"),
    path("demands/<int:pk>/send-back/", demand_views.send_back, name="send_back"),
    path("demands/<int:pk>/notes/", demand_views.add_note, name="add_note"),
    path("demands/<int:pk>/human-rights/", demand_views.human_rights, name="human_rights"),
    path("demands/<int:pk>/letters/<int:notice_id>/edit/", demand_views.letter_edit,
         name="letter_edit"),
    path("demands/<int:pk>/letters/<int:notice_id>/approve/", demand_views.letter_approve,
         name="letter_approve"),
    path("demands/<int:pk>/letters/<int:notice_id>/send/", demand_views.letter_send,
         name="letter_send"),
    path("publications/", publication_views.publication_list, name="publications"),
    path("publications/prepare/", publication_views.publication_prepare,
         name="publication_prepare"),
    path("publications/<int:pub_id>/", publication_views.publication_detail, name="publication"),
    path("publications/<int:pub_id>/edit/", publication_views.publication_edit,
         name="publication_edit"),
    path("publications/<int:pub_id>/publish/", publication_views.publication_publish,
         name="publication_publish"),
    path("publications/<int:pub_id>/withdraw/", publication_views.publication_withdraw,
         name="publication_withdraw"),
]
