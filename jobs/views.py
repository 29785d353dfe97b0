"""A job's page, its progress as JSON for the page's script, its file, and a retry.
Each looks the job up among those the user may see (jobs.permissions): a 404 otherwise."""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from jobs import registry
from jobs.models import Job
from jobs.permissions import jobs_visible_to, may_download
from jobs.services import retry_job, sweep_stale_jobs


def visible_job(request, pk) -> Job:
    job = get_object_or_404(jobs_visible_to(request.user).select_related("office"), pk=pk)
    if job.state == Job.State.RUNNING and sweep_stale_jobs(jobs=Job.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    return job


def downloadable(job: Job, user) -> bool:
    kind = registry.kind_named(job.kind)
    return job.has_file and (kind is None or kind.downloadable) and may_download(user, job)


def status_of(job: Job, user) -> dict:
    return {
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "error": job.error,
        "download_url": reverse("jobs:download", args=[job.pk]) if downloadable(job, user) else None,
    }


class JobDetailView(LoginRequiredMixin, TemplateView):
    template_name = "jobs/detail.html"

    def get(self, request, *args, **kwargs):
        job = visible_job(request, kwargs["pk"])
        kind = registry.kind_named(job.kind)
        if job.state == Job.State.DONE and kind is not None and kind.result_page is not None:
            return redirect(kind.result_page(job))
        return self.render_to_response(self.get_context_data(job=job, kind=kind, **kwargs))

    def get_context_data(self, *, job, kind, **kwargs):
        done = job.state == Job.State.DONE
        return super().get_context_data(
            job=job,
            title=registry.describe(job),
            summary=kind.summary(job) if done and kind is not None and kind.summary is not None else "",
            downloadable=kind is None or kind.downloadable,
            may_download=may_download(self.request.user, job),
            keep_days=settings.JOBS_KEEP_DAYS,
            **kwargs,
        )


class JobStatusView(LoginRequiredMixin, View):
    def get(self, request, pk):
        response = JsonResponse(status_of(visible_job(request, pk), request.user))
        response["Cache-Control"] = "no-store, private"
        return response


class JobDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        job = visible_job(request, pk)
        if not downloadable(job, request.user):
            raise Http404
        try:
            handle = job.result.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, as_attachment=True, filename=job.filename or job.result.name.rsplit("/")[-1])
        response["Cache-Control"] = "no-store, private"
        return response


class JobRetryView(LoginRequiredMixin, View):
    def post(self, request, pk):
        job = retry_job(job=visible_job(request, pk))
        return redirect(job)
