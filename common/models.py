from django.db import models


class RateCounter(models.Model):
    """A count for a rate limit (texts sent to a number today, wrong pickup codes at a desk),
    kept in the database every app server shares. Django's database cache cannot keep one:
    it increments by reading and writing back, which is not atomic and restarts the entry's
    expiry at its default five minutes, so a day's cap would forget itself."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_ends_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
