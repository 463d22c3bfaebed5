from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "dueprocess.review"
    label = "review"
