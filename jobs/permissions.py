"""Who sees a job and its file: the person who asked, and staff of the job's office (or of
an office above it). A file with full numbers needs the permission to see them, whoever
asked. Anyone else gets a 404, as everywhere (teams.permissions decides office access)."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from accounts.models import User
from jobs.models import Job
from teams.permissions import ACCESS_OFFICE_PII, grants_for, has_access


def jobs_visible_to(user: User | AnonymousUser) -> QuerySet[Job]:
    if not user.is_authenticated or not user.is_active:
        return Job.objects.none()
    if user.is_superuser:
        return Job.objects.all()
    return Job.objects.filter(Q(requested_by=user) | Q(office_id__in=grants_for(user).managed_office_ids))


def may_download(user: User | AnonymousUser, job: Job) -> bool:
    if not job.holds_pii:
        return True
    return job.office is not None and has_access(user, job.office, ACCESS_OFFICE_PII)
