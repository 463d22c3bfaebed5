from ninja import NinjaAPI

api = NinjaAPI(title="dueprocess", version="1", urls_namespace="api-v1")
