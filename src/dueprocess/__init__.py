"""dueprocess: handle government demands for user data and content restrictions, in the open."""

__version__ = "0.1.0"
