"""Sanctions lists as data, and screening of the people and bodies behind each demand.

The pure matcher lives in :mod:`dueprocess.screening`; this app stores list versions,
keeps the in-memory index of the lists in force, screens demands when they are vetted
(as a vetting fact provider), records what reviewers said about each hit and re-screens
open demands when a list changes. See docs/screening.md.
"""
