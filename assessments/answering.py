"""What the staff and the portal answering pages share: the htmx answer to one save."""

import json

from django.shortcuts import render


def answer_saved_response(request, template, context, *, evaluation, section):
    """The htmx answer to a save: only the saved item's status (its messages, revision,
    "saved by" line) and, out of band, the progress and score; the fields stay as the
    user has them. Conditional items of the section are shown or hidden in place by
    the ``dd:visibility`` event (static/js/app.js)."""
    response = render(request, template, context)
    response["HX-Trigger"] = json.dumps(
        {"dd:visibility": {"items": evaluation.conditional_visibility(section)}}
    )
    return response


def number_sent(item, stored, posted, problem):
    """What was typed into a number field, when the stored number reads otherwise
    (２４ typed, 24 stored): the page then shows the stored one, unless the user has
    typed on since (the data-sent guard in static/js/app.js). None to leave it."""
    if problem is not None or item.answer_type != "number":
        return None
    shown = "" if stored is None else str(stored)
    return posted if shown != posted else None
