"""The REST API: ``/api/v1`` over the store, built by :func:`techspec.asgi.create_app`.

Routes stay thin: they read the request, call one store or library function and shape
the answer.  Errors are translated in one place (:mod:`techspec.api.errors`).  Nothing in
the core or the store imports this package.
"""
