"""The web shell: the API instance, authentication, access decorators, limits and the
mapping of domain errors to responses, shared by every package that serves HTTP."""
