"""The system of record: revisions, workflow, approvals and audit log in a database.

Open a store with :func:`techspec.store.engine.open_store`; every other module takes
the :class:`~techspec.store.engine.Store` it returns.  Nothing in the core imports this
package.
"""
