"""Several short lists in one query, turned back into model instances for the templates.

A page that shows a few rows of several kinds (the home page: upcoming
activities, open wishes, this year's figures) would ask PostgreSQL once per
kind. ``fetch_together`` sends the querysets as one SELECT of JSON arrays
(each list is still written, filtered and ordered with the ORM, in the model's
own query methods), and ``instances`` rebuilds unsaved model instances from the
rows, so that templates keep calling ``get_absolute_url`` or
``get_status_display``. The instances are for reading only.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import Count, Model, Value

from community import dbrouter


def reading_connection():
    """The connection for a raw read: the replica when this request may use it, as the ORM's reads do."""
    return connections[dbrouter.read_alias()]


def dict_rows(sql, params):
    """A raw read's rows as dicts (column: value)."""
    with reading_connection().cursor() as cursor:
        cursor.execute(sql, params)
        columns = [col[0] for col in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def fetch_together(**lists):
    """{name: [row dict, ...]} for each ``.values()`` queryset (or raw ``(sql, params)``), in one query."""
    selects, params = [], []
    for name, rows in lists.items():
        sql, rows_params = rows if isinstance(rows, tuple) else rows.query.sql_with_params()
        # json_agg keeps the order of a sorted subquery.
        selects.append(f"(SELECT COALESCE(json_agg(row_to_json(x)), '[]'::json) FROM ({sql}) x) AS {name}")
        params.extend(rows_params)
    with reading_connection().cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        found = cursor.fetchone()
    return dict(zip(lists, found, strict=True))


def count_of(rows):
    """A ``.values()`` queryset of one row, ``{"n": how many rows}``, to count a list in fetch_together."""
    return total_of(rows, Count("pk"))


def total_of(rows, aggregate):
    """A ``.values()`` queryset of ``{"n": aggregate over rows}``: one row, or none when there are no rows."""
    return rows.order_by().annotate(_all=Value(1)).values("_all").annotate(n=aggregate).values("n")


def first_n(found_rows, default=0):
    """The value of a ``count_of``/``total_of`` list as ``fetch_together`` returned it."""
    return found_rows[0]["n"] if found_rows and found_rows[0]["n"] is not None else default


def instances(model: type[Model], rows, **related):
    """Unsaved ``model`` instances from row dicts.

    A key naming a field sets it (converted as the field would convert a form
    value: dates, decimals); ``related={"team": Team}`` builds ``instance.team``
    from the ``team__…`` keys; any other key becomes a plain attribute (an
    annotation such as ``signup_count``).
    """
    return [_instance(model, row, related) for row in rows]


def _instance(model, row, related):
    fields = {}
    extra = {}
    nested = {name: {} for name in related}
    for key, value in row.items():
        prefix, _, rest = key.partition("__")
        if rest and prefix in related:
            nested[prefix][rest] = value
            continue
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:  # an annotation
            extra[key] = value
            continue
        fields[field.attname] = field.to_python(value) if value is not None else None
    instance = model(**fields)
    for key, value in extra.items():
        setattr(instance, key, value)
    for name, values in nested.items():
        if any(value is not None for value in values.values()):
            setattr(instance, name, _instance(related[name], values, {}))
    return instance
