"""Which courier file template a seller's export and import use: the seller's own adjusted copy
under that key, else the built-in one."""

from packline_runtime.db import Conn
from packline_waybill.adapters import templates as template_repo
from packline_waybill.courier_files import TEMPLATES, Template, TemplateError, template_from_json


class UnknownTemplate(LookupError):
    """No built-in template and no seller copy has this key."""


async def resolve(conn: Conn, seller_id: str, key: str) -> Template:
    own = await template_repo.get(conn, seller_id, key)
    if own is not None:
        return template_from_json(own)
    if key in TEMPLATES:
        return TEMPLATES[key]
    known = ", ".join(sorted(TEMPLATES))
    raise UnknownTemplate(f"no courier template {key!r}; built-in ones are {known}")


async def save(conn: Conn, seller_id: str, key: str, data: object) -> Template:
    """Validate a seller's template before keeping it (TemplateError says what is wrong)."""
    template = template_from_json(data)
    if template.key != key:
        raise TemplateError(f"the template's key {template.key!r} differs from {key!r}")
    await template_repo.put(conn, seller_id, key, data)
    return template
