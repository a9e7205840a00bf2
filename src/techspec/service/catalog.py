"""Templates by name: the built-in ones plus those stored with the store's specs or added
by an admin.  A name means one template: adding different text under a taken name is
a conflict (a new version gets a new name)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from techspec.authoring.writeback import signoff_roles
from techspec.lint.builtins import builtin_templates
from techspec.lint.explain import Explanation, explain
from techspec.lint.template import Template
from techspec.service.permissions import Actor, require_admin, require_reader
from techspec.store import identity
from techspec.store.engine import Store
from techspec.store.errors import Conflict, NotFound
from techspec.store.schema import templates


@dataclass(frozen=True, slots=True)
class Entry:
    template: Template
    builtin: bool

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.template.name,
            "sha256": self.template.sha256,
            "title": self.template.title,
            "statuses": list(self.template.statuses),
            "signoff_roles": signoff_roles(self.template),
            "builtin": self.builtin,
        }


def entries(store: Store) -> list[Entry]:
    """The default template first (the first built-in one unless an admin chose
    another), then the other built-in templates, then stored ones by name."""
    found = [Entry(template, True) for template in builtin_templates()]
    shipped = {entry.template.sha256 for entry in found}
    query = sa.select(templates.c.name, templates.c.text).order_by(templates.c.name)
    with store.read() as connection:
        rows = connection.execute(query).all()
        chosen = identity.get_setting(connection, "default_template")
    for row in rows:
        template = Template.from_markdown(row.text, row.name)
        if template.sha256 not in shipped:
            found.append(Entry(template, False))
    first = [entry for entry in found if entry.template.name == chosen]
    return first + [entry for entry in found if entry not in first]


def find(store: Store, name: str) -> Template:
    for entry in entries(store):
        if entry.template.name == name:
            return entry.template
    known = ", ".join(entry.template.name for entry in entries(store))
    raise NotFound(f"unknown template '{name}' (known: {known})")


def explanation(store: Store, actor: Actor, name: str) -> Explanation:
    """What the compiler read off the template called ``name``: the one structure that
    ``techspec template explain``, the API and the web's template page all show."""
    require_reader(actor)
    return explain(find(store, name))


def add(store: Store, actor: Actor, name: str, text: str) -> Entry:
    """Compile and store a template (a :class:`TemplateError` when it does not compile)."""
    require_admin(actor, "add templates")
    template = Template.from_markdown(text, name)
    for entry in entries(store):
        same_text = entry.template.sha256 == template.sha256
        if entry.template.name == name and same_text:
            return entry
        if entry.template.name == name:
            raise Conflict(f"a different template named '{name}' exists: choose another name")
        if same_text:
            raise Conflict(f"this template is already known as '{entry.template.name}'")
    try:
        with store.write() as connection:
            connection.execute(
                sa.insert(templates).values(sha256=template.sha256, name=name, text=text)
            )
    except IntegrityError:
        raise Conflict("this template is already stored under another name") from None
    return Entry(Template.from_markdown(text, name), False)
