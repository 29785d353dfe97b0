from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404

from teams.models import Team
from teams.permissions import has_access


class TeamAccessMixin(LoginRequiredMixin):
    """Loads the team named in the URL and answers 404 unless the user has `access`.

    404 rather than 403: a leader of one team learns nothing, not even that
    another team's page exists.
    """

    access: str
    team_url_kwarg = "team_pk"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.team = get_object_or_404(Team.objects.select_related("office", "kind"), pk=kwargs[self.team_url_kwarg])
        if not has_access(request.user, self.team, self.access):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(team=self.team, **kwargs)
