from django import template

from teams.permissions import has_access as _has_access

register = template.Library()


@register.simple_tag(takes_context=True)
def has_access(context, target, access):
    """{% has_access team "team_run" as can_run %}"""
    return _has_access(context["request"].user, target, access)
