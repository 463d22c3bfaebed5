"""Names of the report tables, importable before Django is set up (the CLI parser uses it)."""

TABLES = ("user_data_requests", "restriction_requests", "items_withheld_by_territory",
          "emergency_requests", "preservation_requests", "national_security_requests",
          "user_notices", "held_or_routed_by_policy")
