"""What a review flag on an attendance says to the leader (crediting.Review)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shifts.crediting import Review

REVIEW_LABELS = {
    Review.NOT_SIGNED_OUT: _("Not signed out"),
    Review.NO_SIGN_IN: _("No sign-in"),
    # xgettext:no-python-format
    Review.SHORT: _("Under 60% of the time"),
    Review.LONG_DAY: _("Over 8 hours that day"),
    Review.OVERLAP: _("Overlaps another record"),
    Review.AWAITING_OFFICE: _("Awaiting office approval"),
}


def review_labels(reasons: list) -> list[str]:
    """What each stored reason says to the leader; an overlap names what it overlaps."""
    labels = []
    for reason in reasons:
        if isinstance(reason, dict):
            start, end = (timezone.localtime(datetime.datetime.fromisoformat(reason[key])) for key in ("from", "to"))
            labels.append(
                _("Overlaps %(activity)s %(from)s–%(to)s")
                % {"activity": reason["activity"], "from": f"{start:%H:%M}", "to": f"{end:%H:%M}"}
            )
        else:
            labels.append(str(REVIEW_LABELS.get(reason, reason)))
    return labels
